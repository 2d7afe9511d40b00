// All parameters of a model as views into one flat buffer (bf16 for training), laid out in
// reverse registration order, so gradients, which backward produces from the last layer to the
// first, fill the flat range roughly front to back. Padded to a multiple of the world size so
// every rank owns an equal contiguous shard.
#pragma once
#include <string>
#include <vector>

#include <torch/torch.h>

namespace cf {

struct ParamSlot {
  std::string name;
  torch::Tensor param;  // view into FlatParams::flat
  int64_t offset = 0, numel = 0;
  bool decay = true;  // weight decay on matrices; not on norms, biases, embeddings' 1-D params
};

class FlatParams {
 public:
  FlatParams(torch::nn::Module& model, int world, torch::ScalarType dtype);
  int64_t numel() const { return numel_; }    // parameters (Psi)
  int64_t padded() const { return padded_; }  // multiple of world
  int64_t shard_size() const { return padded_ / world_; }
  int world() const { return world_; }
  torch::Tensor flat;            // [padded]
  std::vector<ParamSlot> slots;  // in flat order

 private:
  int64_t numel_ = 0, padded_ = 0;
  int world_ = 1;
};

}  // namespace cf

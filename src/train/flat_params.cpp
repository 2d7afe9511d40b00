#include "train/flat_params.h"

namespace cf {

FlatParams::FlatParams(torch::nn::Module& model, int world, torch::ScalarType dtype) : world_(world) {
  auto named = model.named_parameters(/*recurse=*/true);
  for (auto it = named.end(); it != named.begin();) {
    --it;
    ParamSlot s;
    s.name = it->key();
    s.param = it->value();
    s.offset = numel_;
    s.numel = s.param.numel();
    s.decay = s.param.dim() >= 2;
    numel_ += s.numel;
    slots.push_back(s);
  }
  padded_ = (numel_ + world - 1) / world * world;
  flat = torch::zeros({padded_}, torch::TensorOptions().dtype(dtype));
  torch::NoGradGuard no_grad;
  for (auto& s : slots) {
    auto view = flat.narrow(0, s.offset, s.numel).view(s.param.sizes());
    view.copy_(s.param);
    s.param.set_data(view);  // the parameter now lives in the flat buffer
  }
}

}  // namespace cf

// Portable deterministic random numbers for scene generation (xoshiro256** seeded by
// splitmix64). Unlike <random> distributions, every draw is defined here, so a seed gives the
// same scene on every platform and standard library.
#pragma once
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <vector>

namespace cf::scenegen {

inline uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Seed of item `index` of stream `stream` (0 = images, 1 = clips) under the corpus seed.
inline uint64_t mix_seed(uint64_t seed, uint64_t stream, uint64_t index) {
  uint64_t x = seed;
  uint64_t a = splitmix64(x);
  x = a ^ (stream * 0xD1B54A32D192ED03ull);
  uint64_t b = splitmix64(x);
  x = b ^ (index * 0x8CB92BA72F3D8DD7ull);
  return splitmix64(x);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    for (auto& w : s_) w = splitmix64(seed);
  }
  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0,1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  int range(int lo, int hi) {  // inclusive
    return lo + static_cast<int>(uniform() * (hi - lo + 1));
  }
  bool chance(double p) { return uniform() < p; }
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[static_cast<size_t>(range(0, int(v.size()) - 1))];
  }
  // Index drawn with the given relative weights.
  int weighted(std::initializer_list<double> w) {
    double total = 0;
    for (double x : w) total += x;
    double r = uniform() * total;
    int i = 0;
    for (double x : w) {
      if (r < x) return i;
      r -= x;
      ++i;
    }
    return i - 1;
  }
  uint64_t fork() { return next(); }  // seed of an independent sub-stream

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace cf::scenegen

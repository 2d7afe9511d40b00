#include "synth/retrieve/builtin_descriptor.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cmath>

#include <opencv2/imgproc.hpp>

#include "core/error.h"

namespace cf::retrieve {
namespace {

// Block weights, tuned by leave-one-out naming on cf-scenegen ground truth (tests/unit).
constexpr double kHorizon = 0.45;  // typical dashcam horizon row, fraction of height
constexpr double kWGround = 1.0;   // ground-plane size features (was 1 / 1.5)
constexpr float kWColor = 1.0f, kWBands = 1.0f, kWMask = 1.0f, kWGrad = 0.8f, kWShape = 1.0f;

int ab_bin(int v) {  // OpenCV 8-bit a/b are centred at 128; most object colors are near grey
  if (v < 108) return 0;
  if (v < 122) return 1;
  if (v < 134) return 2;
  if (v < 148) return 3;
  return 4;
}

// normalize: scale the block to length `weight` (histograms); else multiply it by `weight`
// (features whose magnitude matters, e.g. sizes).
void append_block(std::vector<float>& out, std::vector<float> block, float weight, bool normalize = true) {
  double n = 0;
  for (float v : block) n += double(v) * v;
  const float s = !normalize ? weight : n > 0 ? weight / static_cast<float>(std::sqrt(n)) : 0.f;
  for (float v : block) out.push_back(v * s);
}

// Integer sums (exact, as the doubles they replace were: every sum stays far below 2^53).
std::vector<float> color_and_bands(const cv::Mat& lab, const cv::Mat& m, std::vector<float>& bands) {
  static const auto ab_lut = [] {
    std::array<uint8_t, 256> t{};
    for (int v = 0; v < 256; ++v) t[v] = static_cast<uint8_t>(ab_bin(v));
    return t;
  }();
  std::array<int64_t, kBuiltinColorDim> count{};
  int64_t sum[kBuiltinBands][4] = {};  // per band: n, L, a, b
  int64_t sq[kBuiltinBands] = {};
  const int rows = lab.rows;
  for (int y = 0; y < rows; ++y) {
    const auto* p = lab.ptr<cv::Vec3b>(y);
    const auto* q = m.ptr<uint8_t>(y);
    const int band = std::min(kBuiltinBands - 1, kBuiltinBands * y / rows);
    int64_t n = 0, sL = 0, sa = 0, sb = 0, sLL = 0;
    for (int x = 0; x < lab.cols; ++x) {
      if (!q[x]) continue;
      const int L = p[x][0], a = p[x][1], b = p[x][2];
      ++count[(L >> 6) * 25 + ab_lut[a] * 5 + ab_lut[b]];
      ++n;
      sL += L;
      sa += a;
      sb += b;
      sLL += L * L;
    }
    sum[band][0] += n;
    sum[band][1] += sL;
    sum[band][2] += sa;
    sum[band][3] += sb;
    sq[band] += sLL;
  }
  std::vector<float> hist(kBuiltinColorDim);
  for (int k = 0; k < kBuiltinColorDim; ++k) hist[k] = std::sqrt(static_cast<float>(count[k]));
  bands.assign(kBuiltinBandDim, 0.f);
  for (int k = 0; k < kBuiltinBands; ++k) {
    const double n = static_cast<double>(sum[k][0]);
    if (n == 0) continue;
    const double L = sum[k][1] / n;
    bands[k * 4 + 0] = static_cast<float>(L / 255.0);
    bands[k * 4 + 1] = static_cast<float>((sum[k][2] / n - 128.0) / 32.0);
    bands[k * 4 + 2] = static_cast<float>((sum[k][3] / n - 128.0) / 32.0);
    bands[k * 4 + 3] = static_cast<float>(std::sqrt(std::max(0.0, static_cast<double>(sq[k]) / n - L * L)) / 64.0);
  }
  return hist;
}

std::vector<float> mask_grid(const cv::Mat& m) {
  cv::Mat f, g;
  m.convertTo(f, CV_32F);
  cv::resize(f, g, cv::Size(8, 8), 0, 0, cv::INTER_AREA);
  return std::vector<float>(g.begin<float>(), g.end<float>());
}

std::vector<float> gradient_cells(const cv::Mat& gray, const cv::Mat& m) {
  cv::Mat g, mf, gx, gy;
  cv::resize(gray, g, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
  g.convertTo(g, CV_32F, 1.0 / 255);
  m.convertTo(mf, CV_32F);
  cv::resize(mf, mf, cv::Size(32, 32), 0, 0, cv::INTER_AREA);
  cv::Sobel(g, gx, CV_32F, 1, 0, 3);
  cv::Sobel(g, gy, CV_32F, 0, 1, 3);
  std::vector<float> h(kBuiltinGradDim, 0.f);
  for (int y = 0; y < 32; ++y)
    for (int x = 0; x < 32; ++x) {
      const float dx = gx.at<float>(y, x), dy = gy.at<float>(y, x);
      const float mag = std::sqrt(dx * dx + dy * dy) * (0.25f + 0.75f * mf.at<float>(y, x));
      double ang = std::atan2(dy, dx);
      if (ang < 0) ang += M_PI;
      const int bin = std::min(8, static_cast<int>(ang / M_PI * 9));
      h[((y / 16) * 2 + x / 16) * 9 + bin] += mag;
    }
  for (float& v : h) v = std::sqrt(v);
  return h;
}

std::vector<float> shape(const cv::Mat& m, const cv::Rect& box, const cv::Size& img, double n) {
  std::vector<float> s;
  const double W = img.width, H = img.height;
  s.push_back(static_cast<float>(std::clamp(std::log(double(box.width) / box.height), -2.5, 2.5)));
  s.push_back(static_cast<float>(n / box.area()));
  double hu[7];
  cv::HuMoments(cv::moments(m, true), hu);
  for (double v : hu)  // fourth root: continuous, and near-zero moments (symmetric shapes) stay ~0
    s.push_back(static_cast<float>(std::copysign(std::pow(std::abs(v), 0.25), v)));
  s.push_back(static_cast<float>(std::sqrt(n / (W * H)) * 4));
  s.push_back(static_cast<float>((box.x + box.width / 2.0) / W - 0.5));
  s.push_back(static_cast<float>((box.y + box.height / 2.0) / H));
  s.push_back(static_cast<float>((box.y + box.height) / H));
  s.push_back(static_cast<float>(std::log(std::max(1.0, double(box.width)) / W) / 4));
  s.push_back(static_cast<float>(std::log(std::max(1.0, double(box.height)) / H) / 4));
  // Ground-plane size: on a level road an object's pixel size over its base's distance below the
  // horizon is proportional to its size in metres (horizon assumed at 45% of the image height).
  const double below = std::max(0.02 * H, box.y + box.height - kHorizon * H);
  // Weighted up: metric height is what tells a car from a bus or truck of the same colour.
  s.push_back(static_cast<float>(std::clamp(std::log(box.height / below), -3.0, 3.0) * kWGround));
  s.push_back(static_cast<float>(std::clamp(std::log(box.width / below), -3.0, 3.0) * kWGround));
  return s;
}

// lab, gray: the region's box of the image converted to Lab and grey (the same pixels whether
// converted per box or for the whole image at once: both conversions are per pixel).
std::vector<float> describe(const Region& region, const cv::Rect& box, const cv::Mat& lab, const cv::Mat& gray) {
  const cv::Mat m = (region.mask(box) != 0) / 255;  // 0/1
  const double n = cv::countNonZero(m);
  std::vector<float> bands, out;
  out.reserve(kBuiltinDim);
  append_block(out, color_and_bands(lab, m, bands), kWColor);
  append_block(out, bands, kWBands);
  append_block(out, mask_grid(m), kWMask);
  append_block(out, gradient_cells(gray, m), kWGrad);
  append_block(out, shape(m, box, region.image.size(), n), kWShape, false);
  double norm = 0;
  for (float v : out) norm += double(v) * v;
  const float inv = static_cast<float>(1.0 / std::sqrt(norm));
  for (float& v : out) v *= inv;
  return out;
}

cv::Rect checked_bounds(const Region& region) {
  const cv::Rect box = region_bounds(region);
  if (box.area() <= 0) throw Error("region has no mask pixels");
  return box;
}

}  // namespace

std::vector<float> builtin_descriptor(const Region& region) {
  const cv::Rect box = checked_bounds(region);
  cv::Mat lab, gray;
  cv::cvtColor(region.image(box), lab, cv::COLOR_BGR2Lab);
  cv::cvtColor(region.image(box), gray, cv::COLOR_BGR2GRAY);
  return describe(region, box, lab, gray);
}

std::vector<std::vector<float>> builtin_descriptors(const std::vector<Region>& regions) {
  std::vector<std::vector<float>> out;
  out.reserve(regions.size());
  cv::Mat lab, gray;  // the whole image, converted when the first region needs it
  for (const auto& r : regions) {
    if (r.image.data != regions.front().image.data || r.image.size() != regions.front().image.size())
      throw Error("builtin_descriptors: regions of different images");
    const cv::Rect box = checked_bounds(r);
    if (lab.empty()) {
      cv::cvtColor(r.image, lab, cv::COLOR_BGR2Lab);
      cv::cvtColor(r.image, gray, cv::COLOR_BGR2GRAY);
    }
    out.push_back(describe(r, box, lab(box), gray(box)));
  }
  return out;
}

namespace {
class BuiltinEmbedder final : public Embedder {
 public:
  std::string backend() const override { return "builtin"; }
  int dim() const override { return kBuiltinDim; }
  std::vector<float> embed(const Region& region) const override { return builtin_descriptor(region); }
  std::vector<std::vector<float>> embed_all(const std::vector<Region>& regions) const override {
    return builtin_descriptors(regions);
  }
};
}  // namespace

std::unique_ptr<Embedder> make_builtin_embedder() { return std::make_unique<BuiltinEmbedder>(); }

}  // namespace cf::retrieve

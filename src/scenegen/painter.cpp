// Primitive drawing into image + instance mask with atmosphere-adjusted colours.
#include "scenegen/painter.h"

#include <algorithm>
#include <cmath>

#include <opencv2/imgproc.hpp>

namespace cf::scenegen {

namespace {
constexpr int kShift = 3;  // sub-pixel bits of OpenCV drawing
constexpr double kOne = 1 << kShift;

cv::Point fixed(cv::Point2d p) {
  auto c = [](double v) { return static_cast<int>(std::lround(std::clamp(v, -1e6, 1e6) * kOne)); };
  return {c(p.x), c(p.y)};
}
}  // namespace

cv::Scalar Atmosphere::apply(const cv::Scalar& c, double z, bool emissive) const {
  double light = emissive ? 1.0 : std::min(1.15, ambient + headlight * std::exp(-z / 22.0));
  double fog = 1.0 - std::exp(-std::max(0.0, z) / visibility);
  if (emissive) fog *= 0.6;
  cv::Scalar out;
  for (int i = 0; i < 3; ++i) {
    double v = c[i] * light * (emissive ? 1.0 : tint[i]);
    if (!emissive) v = 128 + (v - 128) * contrast;
    out[i] = std::clamp(v * (1 - fog) + fog_color[i] * fog, 0.0, 255.0);
  }
  return out;
}

Painter::Painter(cv::Mat& image, cv::Mat& mask, const Atmosphere& atm) : img_(image), mask_(mask), atm_(atm) {}

void Painter::touch(const cv::Rect& r) {
  if (!tracking_) return;
  cv::Rect clipped = r & cv::Rect(0, 0, img_.cols, img_.rows);
  if (clipped.area() == 0) return;
  extent_ = extent_.area() == 0 ? clipped : (extent_ | clipped);
}

void Painter::poly(const std::vector<cv::Point2d>& pts, const cv::Scalar& c) {
  if (pts.size() < 3) return;
  std::vector<cv::Point> p(pts.size());
  double x0 = 1e18, y0 = 1e18, x1 = -1e18, y1 = -1e18;
  for (size_t i = 0; i < pts.size(); ++i) {
    p[i] = fixed(pts[i]);
    x0 = std::min(x0, pts[i].x), x1 = std::max(x1, pts[i].x);
    y0 = std::min(y0, pts[i].y), y1 = std::max(y1, pts[i].y);
  }
  if (x1 < 0 || y1 < 0 || x0 >= img_.cols || y0 >= img_.rows) return;
  const cv::Point* data[] = {p.data()};
  int n[] = {static_cast<int>(p.size())};
  cv::fillPoly(img_, data, n, 1, atm_.apply(c, depth_, emissive_), cv::LINE_8, kShift);
  if (mask_on_) cv::fillPoly(mask_, data, n, 1, cv::Scalar(id_), cv::LINE_8, kShift);
  touch(cv::Rect(cv::Point(int(std::floor(std::max(x0, -1.0))), int(std::floor(std::max(y0, -1.0)))),
                 cv::Point(int(std::ceil(std::min(x1, 1e5))) + 2, int(std::ceil(std::min(y1, 1e5))) + 2)));
}

void Painter::quad(cv::Point2d a, cv::Point2d b, cv::Point2d c, cv::Point2d d, const cv::Scalar& col) {
  poly({a, b, c, d}, col);
}

void Painter::rect(double x0, double y0, double x1, double y1, const cv::Scalar& c) {
  poly({{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}, c);
}

void Painter::ellipse(cv::Point2d center, cv::Size2d axes, double angle, const cv::Scalar& c) {
  double r = std::max(axes.width, axes.height);
  if (center.x + r < 0 || center.y + r < 0 || center.x - r >= img_.cols || center.y - r >= img_.rows) return;
  if (r > 4 * (img_.cols + img_.rows)) return;
  cv::Size ax(std::max(0, int(std::lround(axes.width * kOne))), std::max(0, int(std::lround(axes.height * kOne))));
  cv::ellipse(img_, fixed(center), ax, angle, 0, 360, atm_.apply(c, depth_, emissive_), cv::FILLED, cv::LINE_8, kShift);
  if (mask_on_) cv::ellipse(mask_, fixed(center), ax, angle, 0, 360, cv::Scalar(id_), cv::FILLED, cv::LINE_8, kShift);
  touch(cv::Rect(int(center.x - r) - 1, int(center.y - r) - 1, int(2 * r) + 3, int(2 * r) + 3));
}

void Painter::line(cv::Point2d a, cv::Point2d b, double thickness, const cv::Scalar& c) {
  cv::Point2d d = b - a;
  double len = std::hypot(d.x, d.y);
  if (len < 1e-9) return;
  cv::Point2d n(-d.y / len * thickness * 0.5, d.x / len * thickness * 0.5);
  if (thickness < 1.0) n *= 1.0 / std::max(thickness, 1e-3) * 0.5;  // at least one pixel wide
  poly({a + n, b + n, b - n, a - n}, c);
}

void Painter::text(const std::string& s, cv::Point2d center, double height, const cv::Scalar& c) {
  if (height < 5) return;
  double scale = height / 22.0;
  int thick = std::max(1, int(height / 7));
  int base = 0;
  cv::Size sz = cv::getTextSize(s, cv::FONT_HERSHEY_SIMPLEX, scale, thick, &base);
  cv::Point org(int(center.x - sz.width / 2.0), int(center.y + sz.height / 2.0));
  cv::putText(img_, s, org, cv::FONT_HERSHEY_SIMPLEX, scale, atm_.apply(c, depth_, emissive_), thick, cv::LINE_8);
  if (mask_on_) cv::putText(mask_, s, org, cv::FONT_HERSHEY_SIMPLEX, scale, cv::Scalar(id_), thick, cv::LINE_8);
}

namespace {
// Runs fn(roi, poly_mask) over the bounding box of a polygon inside the image.
template <class Fn>
void with_poly_roi(cv::Mat& img, const std::vector<cv::Point2d>& pts, Fn fn) {
  if (pts.size() < 3) return;
  std::vector<cv::Point2f> f(pts.begin(), pts.end());
  cv::Rect box = cv::boundingRect(f) & cv::Rect(0, 0, img.cols, img.rows);
  if (box.area() == 0) return;
  std::vector<cv::Point> p;
  for (auto& q : pts) p.push_back(fixed(q - cv::Point2d(box.x, box.y)));
  cv::Mat m = cv::Mat::zeros(box.size(), CV_8U);
  const cv::Point* data[] = {p.data()};
  int n[] = {static_cast<int>(p.size())};
  cv::fillPoly(m, data, n, 1, cv::Scalar(255), cv::LINE_8, kShift);
  cv::Mat roi = img(box);
  fn(roi, m);
}
}  // namespace

void Painter::shade(const std::vector<cv::Point2d>& pts, double factor) {
  with_poly_roi(img_, pts, [&](cv::Mat& roi, const cv::Mat& m) {
    cv::Mat tmp;
    roi.convertTo(tmp, -1, factor);
    tmp.copyTo(roi, m);
  });
}

void Painter::blend_poly(const std::vector<cv::Point2d>& pts, const cv::Scalar& c, double alpha) {
  cv::Scalar col = atm_.apply(c, depth_, emissive_);
  with_poly_roi(img_, pts, [&](cv::Mat& roi, const cv::Mat& m) {
    cv::Mat tmp;
    cv::addWeighted(roi, 1 - alpha, cv::Mat(roi.size(), roi.type(), col), alpha, 0, tmp);
    tmp.copyTo(roi, m);
  });
}

void Painter::glow(cv::Point2d center, double radius, const cv::Scalar& c, double strength, cv::Point2d reflection) {
  if (center.x < -radius * 3 || center.y < -radius * 3 || center.x > img_.cols + radius * 3 ||
      center.y > img_.rows + radius * 3)
    return;
  double fog = 1.0 - std::exp(-std::max(0.0, depth_) / atm_.visibility);
  lights_.push_back({center, radius, c, strength * (1 - 0.5 * fog), reflection});
}

void Painter::begin_object(int id) {
  id_ = id;
  extent_ = cv::Rect();
  tracking_ = true;
}

int64_t Painter::end_object() {
  tracking_ = false;
  int id = id_;
  id_ = 0;
  cv::Rect box = extent_;
  extent_ = cv::Rect();
  if (box.area() == 0) return 0;
  cv::Mat roi = mask_(box);
  int64_t n = 0;
  for (int y = 0; y < roi.rows; ++y) {
    const uint16_t* row = roi.ptr<uint16_t>(y);
    for (int x = 0; x < roi.cols; ++x) n += row[x] == id;
  }
  return n;
}

}  // namespace cf::scenegen

#include "media/model_input.h"

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "media/image.h"

namespace cf::media {

std::vector<float> jpeg_to_model_input(const std::string& bytes, int size) {
  static const float mean[3] = {0.48145466f, 0.4578275f, 0.40821073f};  // CLIP, RGB order
  static const float stdv[3] = {0.26862954f, 0.26130258f, 0.27577711f};
  cv::Mat raw(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
  cv::Mat bgr = cv::imdecode(raw, cv::IMREAD_COLOR);
  if (bgr.empty()) throw MediaError("cannot decode image for the model");
  cv::Mat resized;
  cv::resize(bgr, resized, cv::Size(size, size), 0, 0, cv::INTER_CUBIC);
  std::vector<float> out(static_cast<size_t>(3 * size * size));
  for (int y = 0; y < size; ++y)
    for (int x = 0; x < size; ++x) {
      const auto& px = resized.at<cv::Vec3b>(y, x);
      for (int c = 0; c < 3; ++c)  // BGR -> RGB
        out[static_cast<size_t>((c * size + y) * size + x)] = (px[2 - c] / 255.0f - mean[c]) / stdv[c];
    }
  return out;
}

}  // namespace cf::media

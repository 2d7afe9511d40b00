#include "media/video.h"

#include <algorithm>
#include <cmath>

#include <opencv2/videoio.hpp>

namespace cf::media {

std::vector<FramePick> plan_frames(int64_t frame_count, double fps, const VideoSampling& s) {
  std::vector<FramePick> picks;
  if (frame_count <= 0 || fps <= 0) return picks;
  const double duration = frame_count / fps;
  int clips = std::max(1, static_cast<int>(std::ceil(duration / s.clip_seconds - 1e-9)));
  if (s.max_clips > 0) clips = std::min(clips, s.max_clips);
  for (int c = 0; c < clips; ++c) {
    const double t0 = c * s.clip_seconds, t1 = std::min(duration, t0 + s.clip_seconds);
    std::vector<int64_t> frames;
    if (s.mode == "fps") {
      for (double t = t0; t < t1 - 1e-9; t += 1.0 / s.fps) frames.push_back(std::llround(std::floor(t * fps)));
    } else {
      for (int j = 0; j < s.frames_per_clip; ++j)
        frames.push_back(static_cast<int64_t>(std::floor((t0 + (j + 0.5) * (t1 - t0) / s.frames_per_clip) * fps)));
    }
    for (auto& f : frames) f = std::clamp<int64_t>(f, 0, frame_count - 1);
    frames.erase(std::unique(frames.begin(), frames.end()), frames.end());  // short clips
    int k = 0;
    for (auto f : frames) picks.push_back({c, k++, f});
  }
  return picks;
}

std::vector<SampledFrame> sample_video(const std::string& path, const VideoSampling& s, const ImageLimits& limits) {
  cv::VideoCapture cap;
  try {
    cap.open(path, cv::CAP_FFMPEG);
  } catch (const cv::Exception& e) {
    throw MediaError(std::string("cannot open video: ") + e.what());
  }
  if (!cap.isOpened()) throw MediaError("cannot open video (corrupt, truncated or unsupported)");
  const auto count = static_cast<int64_t>(cap.get(cv::CAP_PROP_FRAME_COUNT));
  const double fps = cap.get(cv::CAP_PROP_FPS);
  const auto w = static_cast<int64_t>(cap.get(cv::CAP_PROP_FRAME_WIDTH));
  const auto h = static_cast<int64_t>(cap.get(cv::CAP_PROP_FRAME_HEIGHT));
  if (count <= 0 || !(fps > 0) || !std::isfinite(fps))
    throw MediaError("video has no frame count or frame rate in its header");
  if (w * h > limits.max_pixels)
    throw MediaError("video frame size " + std::to_string(w) + "x" + std::to_string(h) + " exceeds media.max_pixels");
  const auto picks = plan_frames(count, fps, s);
  std::vector<SampledFrame> out;
  int64_t pos = 0;  // next frame grab() returns: decode sequentially, seeking is inexact
  cv::Mat frame;
  for (const auto& p : picks) {
    while (pos <= p.source_frame) {
      if (!cap.grab())
        throw MediaError("video truncated: frame " + std::to_string(pos) + " of " + std::to_string(count) +
                         " is unreadable");
      ++pos;
    }
    if (!cap.retrieve(frame) || frame.empty())
      throw MediaError("cannot decode frame " + std::to_string(p.source_frame));
    out.push_back(
        {p.clip, p.index_in_clip, p.source_frame, p.source_frame / fps, fit_max_side(frame, limits.max_side).clone()});
  }
  return out;
}

}  // namespace cf::media

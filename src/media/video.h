// Frame sampling from video files (OpenCV videoio / FFmpeg). A video is cut into clips of
// `clip_seconds`; each clip is sampled at `fps` or as `frames_per_clip` uniform frames.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <opencv2/core.hpp>

#include "media/image.h"

namespace cf::media {

struct VideoSampling {
  std::string mode = "uniform";  // "uniform" (K frames per clip) or "fps"
  double fps = 2.0;              // mode "fps": frames per second
  int frames_per_clip = 8;       // mode "uniform": K
  double clip_seconds = 10.0;    // clip length; the last clip may be shorter
  int max_clips = 0;             // per video; 0 = all
};

struct SampledFrame {
  int clip = 0;           // clip index within the video
  int index_in_clip = 0;  // 0..frames of the clip - 1
  int64_t source_frame = 0;
  double timestamp = 0;  // seconds from the start of the video
  cv::Mat image;         // BGR, fit to max_side
};

struct FramePick {
  int clip, index_in_clip;
  int64_t source_frame;
};
// The frames to take from a video of `frame_count` frames at `fps` (pure; unit-tested).
std::vector<FramePick> plan_frames(int64_t frame_count, double fps, const VideoSampling& s);

// Opens and samples `path`. Throws MediaError (cannot open, no metadata, truncated, ...).
std::vector<SampledFrame> sample_video(const std::string& path, const VideoSampling& s, const ImageLimits& limits);

}  // namespace cf::media

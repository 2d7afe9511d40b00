// The ingest manifest: every image and video file under the corpus root, in a fixed order
// (relative paths, byte order), with an estimated processing cost. Identical on every rank.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace cf::ingest {

enum class MediaKind : int64_t { Image = 0, Video = 1 };

struct ManifestEntry {
  std::string path;  // relative to the corpus root, '/' separators
  MediaKind kind = MediaKind::Image;
  int64_t bytes = 0;
  int64_t cost = 1;  // planning units: 1 per image, ~decoded frames for videos
};

struct ScanOptions {
  std::vector<std::string> image_extensions, video_extensions;  // lower case, no dot
  std::vector<std::string> exclude;  // fnmatch patterns on the relative path ('*' crosses '/')
  int64_t video_cost_bytes = 50000;  // one cost unit per this many bytes
};

// Recursive scan; hidden files and directories (".name") are skipped. Throws Error if the root
// is not a readable directory.
std::vector<ManifestEntry> scan_corpus(const std::string& root, const ScanOptions& opts);

std::string serialize(const std::vector<ManifestEntry>& m);  // compact (MessagePack)
std::vector<ManifestEntry> deserialize(const std::string& bytes);

}  // namespace cf::ingest

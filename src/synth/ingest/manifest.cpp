#include "synth/ingest/manifest.h"

#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "core/error.h"

namespace fs = std::filesystem;

namespace cf::ingest {
namespace {

std::string lower_extension(const fs::path& p) {
  std::string e = p.extension().string();
  if (!e.empty() && e[0] == '.') e.erase(0, 1);
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

std::vector<ManifestEntry> scan_corpus(const std::string& root, const ScanOptions& opts) {
  std::error_code ec;
  if (!fs::is_directory(root, ec)) throw ConfigError("io.input '" + root + "' is not a directory (the corpus root)");
  std::vector<ManifestEntry> out;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  if (ec) throw Error("cannot read corpus root '" + root + "': " + ec.message());
  for (; it != end; it.increment(ec)) {
    if (ec) throw Error("error while scanning '" + root + "': " + ec.message());
    const fs::path& p = it->path();
    if (p.filename().string().rfind('.', 0) == 0) {  // hidden: skip, and do not descend
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;
    const std::string ext = lower_extension(p);
    ManifestEntry e;
    if (contains(opts.image_extensions, ext)) e.kind = MediaKind::Image;
    else if (contains(opts.video_extensions, ext)) e.kind = MediaKind::Video;
    else continue;
    e.path = fs::relative(p, root, ec).generic_string();
    if (std::any_of(opts.exclude.begin(), opts.exclude.end(),
                    [&](const std::string& pat) { return fnmatch(pat.c_str(), e.path.c_str(), 0) == 0; }))
      continue;
    e.bytes = static_cast<int64_t>(it->file_size(ec));
    e.cost = e.kind == MediaKind::Image ? 1 : std::max<int64_t>(1, e.bytes / opts.video_cost_bytes);
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const ManifestEntry& a, const ManifestEntry& b) { return a.path < b.path; });
  return out;
}

std::string serialize(const std::vector<ManifestEntry>& m) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& e : m) j.push_back({e.path, static_cast<int64_t>(e.kind), e.bytes, e.cost});
  auto bytes = nlohmann::json::to_msgpack(j);
  return std::string(bytes.begin(), bytes.end());
}

std::vector<ManifestEntry> deserialize(const std::string& bytes) {
  auto j = nlohmann::json::from_msgpack(bytes);
  std::vector<ManifestEntry> m;
  for (const auto& r : j)
    m.push_back({r[0].get<std::string>(), static_cast<MediaKind>(r[1].get<int64_t>()), r[2].get<int64_t>(),
                 r[3].get<int64_t>()});
  return m;
}

}  // namespace cf::ingest

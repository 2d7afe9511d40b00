#include "synth/ingest/decode_entry.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace cf::ingest {
namespace {

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw media::MediaError("cannot open file for reading");
  std::ostringstream os;
  os << in.rdbuf();
  if (in.bad()) throw media::MediaError("read error");
  return os.str();
}

IngestRow make_row(const cv::Mat& img, const DecodeOptions& o) {
  IngestRow r;
  r.width = img.cols;
  r.height = img.rows;
  r.jpeg = media::encode_jpeg(img, o.jpeg_quality);
  r.content_hash = media::content_hash(img);
  r.phash = media::perceptual_hash(img);
  return r;
}

std::string clip_id(const std::string& path, int clip) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "#clip%03d", clip);
  return path + buf;
}

}  // namespace

DecodedEntry decode_entry(const std::string& root, const ManifestEntry& e, int64_t manifest_index,
                          const DecodeOptions& o) {
  DecodedEntry out;
  const auto full = std::filesystem::absolute(std::filesystem::path(root) / e.path);
  try {
    if (e.kind == MediaKind::Image) {
      int w = 0, h = 0;
      cv::Mat img = media::decode_image(read_file(full), o.limits, &w, &h);
      IngestRow r = make_row(img, o);
      r.item_id = r.source = e.path;
      r.orig_width = w;
      r.orig_height = h;
      out.rows.push_back(std::move(r));
    } else {
      for (auto& f : media::sample_video(full.string(), o.video, o.limits)) {
        IngestRow r = make_row(f.image, o);
        r.source = e.path;
        r.clip_id = clip_id(e.path, f.clip);
        char buf[16];
        std::snprintf(buf, sizeof buf, "/f%02d", f.index_in_clip);
        r.item_id = r.clip_id + buf;
        r.frame_index = f.index_in_clip;
        r.source_frame = f.source_frame;
        r.timestamp = static_cast<float>(f.timestamp);
        out.rows.push_back(std::move(r));
      }
      if (out.rows.empty()) throw media::MediaError("video yielded no frames");
    }
  } catch (const std::exception& ex) {  // MediaError, cv::Exception, std::bad_alloc, ...
    out.rows.clear();
    out.failure = FailureRecord{e.path, e.path, "ingest", ex.what(), "error"};
  }
  for (auto& r : out.rows) r.manifest_index = manifest_index;
  return out;
}

Table rows_to_table(const std::vector<IngestRow>& rows) {
  std::vector<std::string> item_id, source, clip, jpeg, hash;
  std::vector<int64_t> frame, src_frame, mindex, w, h, ow, oh, phash;
  std::vector<float> ts;
  for (const auto& r : rows) {
    item_id.push_back(r.item_id);
    source.push_back(r.source);
    clip.push_back(r.clip_id);
    jpeg.push_back(r.jpeg);
    hash.push_back(r.content_hash);
    frame.push_back(r.frame_index);
    src_frame.push_back(r.source_frame);
    mindex.push_back(r.manifest_index);
    w.push_back(r.width);
    h.push_back(r.height);
    ow.push_back(r.orig_width);
    oh.push_back(r.orig_height);
    phash.push_back(static_cast<int64_t>(r.phash));
    ts.push_back(r.timestamp);
  }
  Table t;
  t.put_bytes("item_id", std::move(item_id));
  t.put_bytes("source", std::move(source));
  t.put_bytes("clip_id", std::move(clip));
  t.put_bytes("image", std::move(jpeg), /*gzip=*/false);
  t.put_bytes("content_hash", std::move(hash));
  t.put_i64("frame_index", std::move(frame));
  t.put_i64("source_frame", std::move(src_frame));
  t.put_i64("manifest_index", std::move(mindex));
  t.put_i64("width", std::move(w));
  t.put_i64("height", std::move(h));
  t.put_i64("orig_width", std::move(ow));
  t.put_i64("orig_height", std::move(oh));
  t.put_i64("phash", std::move(phash));
  t.put_f32("timestamp", std::move(ts));
  return t;
}

}  // namespace cf::ingest

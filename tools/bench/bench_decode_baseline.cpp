// cf-bench-decode-baseline: the naive single-thread image pipeline an ad-hoc script would run,
// used as the reference rate for the ingest benchmark (tools/bench/bench_ingest.sh).
//
//   cf-bench-decode-baseline DIR [max_side=640] [quality=90]
//
// For every .jpg/.jpeg directly in DIR (sorted): read the file, cv::imdecode(IMREAD_COLOR) at
// full size, cv::resize INTER_AREA so the longest side is max_side, cv::imencode JPEG at
// `quality`. No checks, hashes or storage. Prints one JSON line on stdout:
//   {"images":N,"seconds":T,"images_per_s":..,"input_bytes_per_s":..,
//    "input_bytes":..,"output_bytes":..,"failed":..,
//    "read_seconds":..,"decode_seconds":..,"resize_seconds":..,"encode_seconds":..}
// "seconds" covers the whole loop (read + decode + resize + encode), not the directory listing.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

bool is_jpeg_name(const fs::path& p) {
  std::string e = p.extension().string();
  std::transform(e.begin(), e.end(), e.begin(), [](unsigned char c) { return std::tolower(c); });
  return e == ".jpg" || e == ".jpeg";
}

int usage() {
  std::fprintf(stderr, "usage: cf-bench-decode-baseline DIR [max_side=640] [quality=90]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 4) return usage();
  const fs::path dir = argv[1];
  const int max_side = argc > 2 ? std::atoi(argv[2]) : 640;
  const int quality = argc > 3 ? std::atoi(argv[3]) : 90;
  if (max_side < 1 || quality < 1 || quality > 100) return usage();

  std::error_code ec;
  std::vector<fs::path> files;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (it->is_regular_file() && is_jpeg_name(it->path())) files.push_back(it->path());
  if (ec) {
    std::fprintf(stderr, "cf-bench-decode-baseline: cannot list '%s': %s\n", argv[1], ec.message().c_str());
    return 1;
  }
  std::sort(files.begin(), files.end());

  cv::setNumThreads(1);  // single thread, like one cf-ingest rank with run.threads=1
  int64_t images = 0, failed = 0, in_bytes = 0, out_bytes = 0;
  double t_read = 0, t_decode = 0, t_resize = 0, t_encode = 0;
  std::vector<uchar> buf, out;
  const auto start = Clock::now();
  for (const auto& p : files) {
    auto t = Clock::now();
    std::ifstream in(p, std::ios::binary);
    buf.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    t_read += since(t);
    in_bytes += static_cast<int64_t>(buf.size());

    t = Clock::now();
    cv::Mat img = cv::imdecode(buf, cv::IMREAD_COLOR);
    t_decode += since(t);
    if (img.empty()) {
      ++failed;
      continue;
    }

    t = Clock::now();
    const int side = std::max(img.cols, img.rows);
    if (side > max_side) {
      const double s = static_cast<double>(max_side) / side;
      cv::Mat small;
      cv::resize(img, small, cv::Size(std::max(1, int(img.cols * s + 0.5)), std::max(1, int(img.rows * s + 0.5))), 0, 0,
                 cv::INTER_AREA);
      img = small;
    }
    t_resize += since(t);

    t = Clock::now();
    cv::imencode(".jpg", img, out, {cv::IMWRITE_JPEG_QUALITY, quality});
    t_encode += since(t);
    out_bytes += static_cast<int64_t>(out.size());
    ++images;
  }
  const double secs = since(start);
  const double rate = secs > 0 ? images / secs : 0.0;
  const double bps = secs > 0 ? in_bytes / secs : 0.0;
  std::printf(
      "{\"images\":%lld,\"seconds\":%.3f,\"images_per_s\":%.2f,\"input_bytes_per_s\":%.0f,"
      "\"input_bytes\":%lld,\"output_bytes\":%lld,\"failed\":%lld,"
      "\"read_seconds\":%.3f,\"decode_seconds\":%.3f,\"resize_seconds\":%.3f,"
      "\"encode_seconds\":%.3f}\n",
      static_cast<long long>(images), secs, rate, bps, static_cast<long long>(in_bytes),
      static_cast<long long>(out_bytes), static_cast<long long>(failed), t_read, t_decode, t_resize, t_encode);
  return failed > 0 && images == 0 ? 1 : 0;
}

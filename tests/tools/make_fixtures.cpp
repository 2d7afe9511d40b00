// cf-test-fixtures DIR [--videos]: writes a small corpus of good and bad inputs for the ingest
// tests. Deterministic. Prints nothing; the expected outcome of each file is in its name.
//   good_*          decodable images (and good_clip.avi with --videos)
//   dup_exact_*     same pixels as good_000 in another format (PNG)
//   dup_near_*      good_001 re-encoded at lower JPEG quality and resized by 1%
//   bad_*           truncated JPEG, truncated PNG, empty file, text named .jpg, absurd PNG header,
//                   truncated video
//   odd names       good images whose names hold spaces, quotes and $(...)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/videoio.hpp>

namespace fs = std::filesystem;

static cv::Mat scene(int seed, int w = 320, int h = 180) {
  cv::RNG rng(static_cast<uint64_t>(seed) * 7919 + 1);
  cv::Mat img(h, w, CV_8UC3);
  rng.fill(img, cv::RNG::UNIFORM, 0, 40);
  img += cv::Scalar(rng.uniform(40, 200), rng.uniform(40, 200), rng.uniform(40, 200));
  for (int i = 0; i < 8; ++i)
    cv::rectangle(img,
                  cv::Rect(rng.uniform(0, w - 40), rng.uniform(0, h - 30), rng.uniform(10, 80), rng.uniform(10, 60)),
                  cv::Scalar(rng.uniform(0, 255), rng.uniform(0, 255), rng.uniform(0, 255)), cv::FILLED);
  return img;
}

static void write_bytes(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

static std::string encode(const cv::Mat& img, const std::string& ext, int q = 90) {
  std::vector<uchar> buf;
  cv::imencode(ext, img, buf, {cv::IMWRITE_JPEG_QUALITY, q});
  return std::string(buf.begin(), buf.end());
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: cf-test-fixtures DIR [--videos] [--good N]\n");
    return 2;
  }
  const fs::path dir = argv[1];
  bool videos = false;
  int good = 12;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--videos") videos = true;
    if (a == "--good" && i + 1 < argc) good = std::stoi(argv[++i]);
  }
  fs::create_directories(dir / "nested" / "deeper");
  fs::create_directories(dir / "z_dups");  // sorts after good_*: the originals are kept
  char name[64];
  for (int i = 0; i < good; ++i) {
    std::snprintf(name, sizeof name, "%sgood_%03d.%s", i % 3 == 2 ? "nested/" : "", i, i % 4 == 3 ? "png" : "jpg");
    write_bytes(dir / name, encode(scene(i), i % 4 == 3 ? ".png" : ".jpg"));
  }
  write_bytes(dir / "nested/deeper/good_bmp.BMP", encode(scene(100), ".bmp"));
  // Exact duplicate: good_000's decoded pixels, stored losslessly as PNG.
  cv::Mat g0 = cv::imread((dir / "good_000.jpg").string());
  write_bytes(dir / "z_dups/dup_exact_000.png", encode(g0, ".png"));
  // Near duplicate: good_001 at lower quality and 1% smaller.
  cv::Mat g1 = cv::imread((dir / "good_001.jpg").string()), small;
  cv::resize(g1, small, cv::Size(), 0.99, 0.99, cv::INTER_AREA);
  write_bytes(dir / "z_dups/dup_near_001.jpg", encode(small, ".jpg", 70));

  std::string jpg = encode(scene(200), ".jpg"), png = encode(scene(201), ".png");
  write_bytes(dir / "bad_truncated.jpg", jpg.substr(0, jpg.size() / 2));
  write_bytes(dir / "bad_truncated.png", png.substr(0, png.size() / 2));
  write_bytes(dir / "bad_empty.jpg", "");
  write_bytes(dir / "bad_text.jpg", "this is not an image, only text that ends in .jpg\n");
  // A valid PNG signature + IHDR claiming 200000 x 200000 pixels, then nothing useful.
  std::string huge = encode(scene(202, 16, 16), ".png");
  const unsigned char dims[8] = {0x00, 0x03, 0x0D, 0x40, 0x00, 0x03, 0x0D, 0x40};
  huge.replace(16, 8, reinterpret_cast<const char*>(dims), 8);
  write_bytes(dir / "bad_absurd_dims.png", huge);

  write_bytes(dir / "odd name with spaces.jpg", encode(scene(300), ".jpg"));
  write_bytes(dir / "odd 'quote' \"double\".jpg", encode(scene(301), ".jpg"));
  write_bytes(dir / "odd $(touch INJECTED) `x`.jpg", encode(scene(302), ".jpg"));
  write_bytes(dir / "notes.txt", "ignored: not an image extension\n");

  if (videos) {
    const fs::path clip = dir / "good_clip.avi";
    cv::VideoWriter vw(clip.string(), cv::VideoWriter::fourcc('M', 'J', 'P', 'G'), 10, cv::Size(320, 180));
    for (int f = 0; f < 30; ++f) {
      cv::Mat img = scene(400);
      cv::circle(img, cv::Point(10 + f * 10, 90), 20, cv::Scalar(255, 255, 255), cv::FILLED);
      vw.write(img);
    }
    vw.release();
    std::ifstream in(clip, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    write_bytes(dir / "bad_truncated_clip.avi", bytes.substr(0, bytes.size() / 3));
  }
  return 0;
}

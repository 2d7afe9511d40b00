// The builtin region descriptor: shape, normalization, determinism, empty regions, and how well
// it names cf-scenegen objects (leave-one-out k-NN over ground-truth crops of 80 scenes).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>

#include <opencv2/imgproc.hpp>

#include "core/error.h"
#include "scenegen/scenegen.h"
#include "synth/retrieve/builtin_descriptor.h"
#include "synth/retrieve/exemplars.h"
#include "synth/retrieve/vector_db.h"
#include "synth/retrieve/vote.h"

namespace fs = std::filesystem;
using namespace cf::retrieve;

namespace {

Region disc_region(cv::Scalar color, int r) {
  Region reg{cv::Mat(120, 160, CV_8UC3, cv::Scalar(90, 90, 90)), cv::Mat(120, 160, CV_8U, cv::Scalar(0)),
             cv::Rect(80 - r, 60 - r, 2 * r + 1, 2 * r + 1)};
  cv::circle(reg.image, {80, 60}, r, color, -1);
  cv::circle(reg.mask, {80, 60}, r, cv::Scalar(255), -1);
  return reg;
}

float dot(const std::vector<float>& a, const std::vector<float>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
  return static_cast<float>(s);
}

}  // namespace

TEST(RetrieveDescriptor, NormalizedDeterministicAndDiscriminative) {
  const auto embedder = make_builtin_embedder();
  EXPECT_EQ(embedder->dim(), kBuiltinDim);
  const Region red = disc_region({0, 0, 220}, 20);
  const auto a = embedder->embed(red), b = embedder->embed(red);
  ASSERT_EQ(a.size(), size_t(kBuiltinDim));
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(float)), 0);
  EXPECT_NEAR(dot(a, a), 1.0, 1e-5);
  // A red disc is closer to a slightly larger red disc than to a blue one or a red bar.
  const auto red2 = embedder->embed(disc_region({0, 0, 210}, 23));
  const auto blue = embedder->embed(disc_region({220, 0, 0}, 20));
  Region bar{red.image.clone(), red.mask.clone(), red.box};
  bar.mask.setTo(0);
  bar.box = cv::Rect(40, 55, 80, 10);
  bar.mask(bar.box).setTo(255);
  bar.image(bar.box).setTo(cv::Scalar(0, 0, 220));
  const auto barv = embedder->embed(bar);
  EXPECT_GT(dot(a, red2), dot(a, blue));
  EXPECT_GT(dot(a, red2), dot(a, barv));
  // A wrong box is replaced by the mask's extent.
  Region shifted = red;
  shifted.box = cv::Rect(0, 0, 5, 5);
  EXPECT_NEAR(dot(embedder->embed(shifted), a), 1.0, 1e-5);
  Region empty{red.image, red.mask.clone(), red.box};
  empty.mask.setTo(0);
  EXPECT_THROW(embedder->embed(empty), cf::Error);
}

// embed_all converts the image once; its vectors are bitwise those of embed() per region.
TEST(RetrieveDescriptor, EmbedAllEqualsEmbedPerRegion) {
  const auto embedder = make_builtin_embedder();
  cv::Mat image(97, 131, CV_8UC3);
  cv::randu(image, cv::Scalar::all(0), cv::Scalar::all(256));
  cv::GaussianBlur(image, image, {5, 5}, 0);
  std::vector<Region> regions;
  for (int k = 0; k < 6; ++k) {
    Region r{image, cv::Mat(image.size(), CV_8U, cv::Scalar(0)), cv::Rect(7 * k, 5 * k, 40 + 9 * k, 30 + 5 * k)};
    cv::ellipse(r.mask, cv::Point(r.box.x + r.box.width / 2, r.box.y + r.box.height / 2),
                cv::Size(r.box.width / 2, r.box.height / 2), 10.0 * k, 0, 360, cv::Scalar(255), -1);
    regions.push_back(r);
  }
  regions.push_back({image, cv::Mat(image.size(), CV_8U, cv::Scalar(255)), cv::Rect(0, 0, 131, 97)});
  const auto all = embedder->embed_all(regions);
  ASSERT_EQ(all.size(), regions.size());
  for (size_t k = 0; k < regions.size(); ++k) {
    const auto one = embedder->embed(regions[k]);
    ASSERT_EQ(all[k].size(), one.size());
    EXPECT_EQ(std::memcmp(all[k].data(), one.data(), one.size() * sizeof(float)), 0) << "region " << k;
  }
  Region other{image.clone(), regions[0].mask, regions[0].box};
  EXPECT_THROW(embedder->embed_all({regions[0], other}), cf::Error);
}

TEST(RetrieveDescriptor, LeaveOneOutNamesScenegenClasses) {
  const fs::path root = fs::temp_directory_path() / ("cf-test-desc-" + std::to_string(getpid()));
  cf::scenegen::SceneGenOptions opt;
  opt.images = 80;
  opt.clips = 0;
  opt.width = 640;
  opt.height = 360;
  opt.seed = 99;
  opt.threads = 2;
  ASSERT_EQ(cf::scenegen::generate_corpus(opt, root.string(), 0, 1).failed, 0);
  const auto units = scenegen_exemplars(root.string(), 64, "class");
  const auto embedder = make_builtin_embedder();
  std::vector<float> vecs;
  std::vector<DbEntry> entries;
  std::vector<int> areas;
  for (const auto& u : units) {
    const auto vs = embed_exemplars(u, *embedder);
    for (size_t k = 0; k < vs.size(); ++k) {
      vecs.insert(vecs.end(), vs[k].begin(), vs[k].end());
      entries.push_back({u.objects[k].label, u.objects[k].source});
      areas.push_back(u.objects[k].box.area());
    }
  }
  const int64_t n = static_cast<int64_t>(entries.size());
  ASSERT_GT(n, 300);
  const fs::path dbdir = root / "db";
  VectorDb::build(dbdir.string(), vecs, kBuiltinDim, entries, {}, {});
  const VectorDb db = VectorDb::load(dbdir.string());
  const auto res = db.search(vecs, 6);  // the query itself comes first: dropped below
  std::map<std::string, std::pair<int, int>> per_class;
  std::map<std::string, int> confusion;  // large objects only  // large objects: correct, total
  int correct = 0, large_correct = 0, large = 0;
  for (int64_t i = 0; i < n; ++i) {
    std::vector<Neighbor> nb;
    for (const auto& r : res[i])
      if (r.id != i && nb.size() < 5) nb.push_back(r);
    const std::string got = name_region(nb, entries, "score", -1.f).label;
    const bool ok = got == entries[i].label;
    if (!ok && areas[i] >= 24 * 24) ++confusion[entries[i].label + "->" + got];
    correct += ok;
    if (areas[i] >= 24 * 24) {  // box of at least 24x24 pixels at 640x360
      ++large;
      large_correct += ok;
      auto& pc = per_class[entries[i].label];
      pc.first += ok;
      pc.second += 1;
    }
  }
  std::string report;
  for (const auto& [cls, pc] : per_class)
    report += " " + cls + " " + std::to_string(pc.first) + "/" + std::to_string(pc.second);
  for (const auto& [k, v] : confusion) report += " [" + k + " " + std::to_string(v) + "]";
  const double acc = double(correct) / n, large_acc = double(large_correct) / large;
  std::printf("[leave-one-out] all objects (area >= 64 px): %.3f of %lld; boxes >= 24x24: %.3f of %d;%s\n", acc,
              static_cast<long long>(n), large_acc, large, report.c_str());
  // Measured (seed 99, 80 scenes, six colour bands): 0.855 overall, 0.869 for boxes >= 24x24; cars,
  // pedestrians and signs >= 0.93, but buses (7/20) and trucks (24/34) are often named car or each other.
  EXPECT_GE(large_acc, 0.8);
  EXPECT_GE(acc, 0.8);
  for (const char* cls : {"car", "pedestrian", "traffic sign"})
    EXPECT_GE(per_class[cls].first, 0.9 * per_class[cls].second) << cls;
  fs::remove_all(root);
}

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <hdf5.h>

#include "core/error.h"
#include "io/shard.h"

namespace fs = std::filesystem;

namespace {

fs::path temp_dir() {
  auto d = fs::temp_directory_path() / ("cf_shard_test_" + std::to_string(getpid()));
  fs::create_directories(d);
  return d;
}

cf::Shard sample() {
  cf::Shard s;
  s.stage = "test";
  s.items.put_i64("n", {1, -2, 3});
  s.items.put_f32("x", {0.5f, 1.5f, -2.25f});
  s.items.put_bytes("text", {"alpha", "", std::string("bin\0ary", 7)});
  s.items.put_bytes("blob", {"\xff\xd8", "x", "yz"}, /*gzip=*/false);
  s.failures.push_back({"item 'x'", "src/a b.jpg", "test", "truncated JPEG", "error"});
  s.meta = {{"plan_hash", "abc"}};
  s.tables["regions"].put_i64("item_row", {0, 0, 2, 2, 2});
  s.tables["regions"].put_f32("score", {0.9f, 0.8f, 0.7f, 0.6f, 0.5f});
  return s;
}

TEST(Shard, RoundTripKeepsEveryColumnAndFailure) {
  const auto path = (temp_dir() / "rt.h5").string();
  cf::write_shard(path, sample());
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  cf::Shard r = cf::read_shard(path);
  EXPECT_EQ(r.stage, "test");
  EXPECT_EQ(r.items.rows(), 3u);
  EXPECT_EQ(r.items.i64("n"), (std::vector<int64_t>{1, -2, 3}));
  EXPECT_EQ(r.items.f32("x"), (std::vector<float>{0.5f, 1.5f, -2.25f}));
  EXPECT_EQ(r.items.bytes("text")[2], std::string("bin\0ary", 7));
  EXPECT_EQ(r.items.bytes("blob")[0], "\xff\xd8");
  ASSERT_EQ(r.failures.size(), 1u);
  EXPECT_EQ(r.failures[0].source, "src/a b.jpg");
  EXPECT_EQ(r.failures[0].reason, "truncated JPEG");
  EXPECT_EQ(r.meta["plan_hash"], "abc");
  ASSERT_EQ(r.tables.count("regions"), 1u);
  EXPECT_EQ(r.tables["regions"].i64("item_row"), (std::vector<int64_t>{0, 0, 2, 2, 2}));
  auto st = cf::shard_status(path);
  EXPECT_TRUE(st.complete);
  EXPECT_EQ(st.items, 3);
  EXPECT_EQ(st.failures, 1);
}

TEST(Shard, EmptyShardRoundTrips) {
  cf::Shard s;
  s.stage = "test";
  s.items.put_i64("n", {});
  s.items.put_bytes("t", {});
  const auto path = (temp_dir() / "empty.h5").string();
  cf::write_shard(path, s);
  EXPECT_EQ(cf::read_shard(path).items.rows(), 0u);
}

TEST(Shard, ChangedContentFailsTheChecksum) {
  const auto path = (temp_dir() / "tampered.h5").string();
  cf::write_shard(path, sample());
  {  // Rewrite one value in place with HDF5 itself: the file stays valid, the content changes.
    hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    hid_t d = H5Dopen2(f, "items/n", H5P_DEFAULT);
    int64_t v[3] = {1, 2, 3};
    H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v);
    H5Dclose(d);
    H5Fclose(f);
  }
  try {
    cf::read_shard(path);
    FAIL() << "tampered shard was accepted";
  } catch (const cf::DataError& e) {
    EXPECT_NE(std::string(e.what()).find("checksum mismatch"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST(Shard, TruncatedOrCorruptFileIsRejected) {
  const auto path = (temp_dir() / "trunc.h5").string();
  cf::write_shard(path, sample());
  fs::resize_file(path, fs::file_size(path) / 2);
  EXPECT_THROW(cf::read_shard(path), cf::DataError);
  EXPECT_FALSE(cf::shard_status(path).complete);

  const auto flipped = (temp_dir() / "flip.h5").string();
  cf::Shard s = sample();
  const std::string marker = "MARKER-0123456789-MARKER";
  s.items.put_bytes("blob", {marker, "x", "y"}, /*gzip=*/false);
  cf::write_shard(flipped, s);
  {  // Flip one byte of the stored payload: fletcher32 (per chunk) catches it on read.
    std::fstream f(flipped, std::ios::in | std::ios::out | std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(f)), {});
    auto pos = bytes.find(marker);
    ASSERT_NE(pos, std::string::npos);
    f.seekp(static_cast<std::streamoff>(pos + 7));
    f.put('X');
  }
  EXPECT_THROW(cf::read_shard(flipped), cf::DataError);
}

TEST(Shard, MissingFileAndTmpOnlyAreIncomplete) {
  const auto path = (temp_dir() / "never.h5").string();
  EXPECT_FALSE(cf::shard_status(path).complete);
  std::ofstream(path + ".tmp") << "partial";
  EXPECT_FALSE(cf::shard_status(path).complete);
  EXPECT_THROW(cf::read_shard(path), cf::DataError);
}

TEST(Shard, ColumnsOfDifferentLengthAreRefused) {
  cf::Shard s;
  s.items.put_i64("a", {1, 2});
  s.items.put_i64("b", {1});
  EXPECT_THROW(cf::write_shard((temp_dir() / "bad.h5").string(), s), std::logic_error);
}

}  // namespace

TEST(Shard, RereadKeepsColumnCompression) {
  // A shard read and written again (ingest phase C) must not gzip an uncompressed payload.
  const auto a = (temp_dir() / "gz_a.h5").string(), b = (temp_dir() / "gz_b.h5").string();
  cf::write_shard(a, sample());
  cf::write_shard(b, cf::read_shard(a));
  auto again = cf::read_shard(b);
  EXPECT_FALSE(again.items.columns().at("blob").gzip);
  EXPECT_TRUE(again.items.columns().at("text").gzip);
}

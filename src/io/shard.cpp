#include "io/shard.h"

#include <cstdio>
#include <filesystem>
#include <mutex>

#include <zlib.h>

#include "core/error.h"
#include "io/impl/h5.h"

namespace cf {
namespace {

using h5::Handle;

void init_hdf5() {
  static std::once_flag once;
  std::call_once(once, [] { h5::silence_errors(); });
}

// CRC-32 over every column: name, kind, then content (for byte columns: lengths, then bytes).
class Checksum {
 public:
  void add(const void* p, size_t n) {
    if (n == 0) return;  // crc32_z(crc, NULL, 0) would reset the CRC to 0
    crc_ = crc32_z(crc_, static_cast<const Bytef*>(p), n);
  }
  void add_table(const std::string& group, const Table& t) {
    for (const auto& [name, c] : t.columns()) {
      std::string tag = group + "/" + name + ":" + std::to_string(static_cast<int>(c.kind));
      add(tag.data(), tag.size());
      if (c.kind == Table::Kind::I64) add(c.i64.data(), c.i64.size() * sizeof(int64_t));
      if (c.kind == Table::Kind::F32) add(c.f32.data(), c.f32.size() * sizeof(float));
      if (c.kind == Table::Kind::Bytes)
        for (const auto& s : c.bytes) {
          int64_t n = static_cast<int64_t>(s.size());
          add(&n, sizeof n);
          add(s.data(), s.size());
        }
    }
  }
  int64_t value() const { return static_cast<int64_t>(crc_); }

 private:
  uLong crc_ = crc32_z(0, nullptr, 0);
};

Table failures_table(const std::vector<FailureRecord>& fs) {
  std::vector<std::string> id, src, stage, reason, kind;
  for (const auto& f : fs) {
    id.push_back(f.item_id);
    src.push_back(f.source);
    stage.push_back(f.stage);
    reason.push_back(f.reason);
    kind.push_back(f.kind);
  }
  Table t;
  t.put_bytes("item_id", id);
  t.put_bytes("source", src);
  t.put_bytes("stage", stage);
  t.put_bytes("reason", reason);
  t.put_bytes("kind", kind);
  return t;
}

void write_table(hid_t file, const std::string& group, const Table& t) {
  Handle g = h5::create_group(file, group);
  for (const auto& [name, c] : t.columns()) {
    const int gzip = c.gzip ? 4 : 0;
    if (c.kind == Table::Kind::I64) {
      h5::write_1d(g, name, H5T_NATIVE_INT64, c.i64.data(), c.i64.size(), gzip);
    } else if (c.kind == Table::Kind::F32) {
      h5::write_1d(g, name, H5T_NATIVE_FLOAT, c.f32.data(), c.f32.size(), gzip);
    } else {
      // Variable-length bytes: flat uint8 "data" + int64 "offsets" (rows + 1 entries).
      Handle sub = h5::create_group(g, name);
      h5::write_attr_str(sub, "cf_kind", "bytes");
      std::vector<int64_t> offsets{0};
      std::string flat;
      for (const auto& s : c.bytes) {
        flat += s;
        offsets.push_back(static_cast<int64_t>(flat.size()));
      }
      h5::write_1d(sub, "data", H5T_NATIVE_UINT8, flat.data(), flat.size(), gzip);
      h5::write_1d(sub, "offsets", H5T_NATIVE_INT64, offsets.data(), offsets.size(), 4);
    }
  }
}

std::vector<std::string> member_names(hid_t group) {
  H5G_info_t info;
  h5::check(H5Gget_info(group, &info), "list group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t n = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string s(static_cast<size_t>(n), '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, s.data(), s.size() + 1, H5P_DEFAULT);
    names.push_back(s);
  }
  return names;
}

// Whether a dataset is gzip-compressed, so a table read and written again keeps its layout
// (JPEG payloads stay uncompressed).
bool has_deflate(hid_t parent, const std::string& name) {
  Handle ds(H5Dopen2(parent, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
  Handle dcpl(H5Dget_create_plist(ds), H5Pclose, "get creation list of " + name);
  const int n = H5Pget_nfilters(dcpl);
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0;
    size_t nelem = 0;
    unsigned cd[8];
    if (H5Pget_filter2(dcpl, static_cast<unsigned>(i), &flags, &nelem, cd, 0, nullptr, nullptr) == H5Z_FILTER_DEFLATE)
      return true;
  }
  return false;
}

Table read_table(hid_t file, const std::string& group) {
  Table t;
  Handle g(H5Gopen2(file, group.c_str(), H5P_DEFAULT), H5Gclose, "open group " + group);
  for (const auto& name : member_names(g)) {
    H5O_info_t oinfo;
    h5::check(H5Oget_info_by_name2(g, name.c_str(), &oinfo, H5O_INFO_BASIC, H5P_DEFAULT),
              "inspect " + group + "/" + name);
    if (oinfo.type == H5O_TYPE_GROUP) {
      Handle sub(H5Gopen2(g, name.c_str(), H5P_DEFAULT), H5Gclose, "open " + name);
      std::vector<int64_t> off(h5::length_1d(sub, "offsets"));
      std::string flat(h5::length_1d(sub, "data"), '\0');
      h5::read_1d(sub, "offsets", H5T_NATIVE_INT64, off.data());
      if (!flat.empty()) h5::read_1d(sub, "data", H5T_NATIVE_UINT8, flat.data());
      if (off.empty() || off.front() != 0 || off.back() != static_cast<int64_t>(flat.size()))
        throw DataError("column " + group + "/" + name + ": offsets do not match data");
      std::vector<std::string> rows;
      for (size_t i = 0; i + 1 < off.size(); ++i) {
        if (off[i + 1] < off[i]) throw DataError("column " + group + "/" + name + ": bad offsets");
        rows.push_back(flat.substr(static_cast<size_t>(off[i]), static_cast<size_t>(off[i + 1] - off[i])));
      }
      t.put_bytes(name, std::move(rows), has_deflate(sub, "data"));  // keep the column's compression
      continue;
    }
    Handle ds(H5Dopen2(g, name.c_str(), H5P_DEFAULT), H5Dclose, "open " + name);
    Handle type(H5Dget_type(ds), H5Tclose, "get type of " + name);
    size_t n = h5::length_1d(g, name);
    if (H5Tget_class(type) == H5T_FLOAT) {
      std::vector<float> v(n);
      if (n) h5::read_1d(g, name, H5T_NATIVE_FLOAT, v.data());
      t.put_f32(name, std::move(v));
    } else {
      std::vector<int64_t> v(n);
      if (n) h5::read_1d(g, name, H5T_NATIVE_INT64, v.data());
      t.put_i64(name, std::move(v));
    }
  }
  return t;
}

Handle open_file(const std::string& path) {
  init_hdf5();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) throw DataError(path + ": shard file does not exist");
  return Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose,
                "open '" + path + "' (not an HDF5 file or truncated)");
}

}  // namespace

std::string shard_file_name(int64_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "shard-%06lld.h5", static_cast<long long>(index));
  return buf;
}

void write_shard(const std::string& path, const Shard& shard) {
  init_hdf5();
  const size_t rows = shard.items.rows();
  const std::string tmp = path + ".tmp";
  Table failures = failures_table(shard.failures);
  Checksum crc;
  crc.add_table("items", shard.items);
  crc.add_table("failures", failures);
  for (const auto& [name, t] : shard.tables) {
    t.rows();  // throws if its columns disagree
    crc.add_table("tables/" + name, t);
  }
  {
    Handle f(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create '" + tmp + "'");
    write_table(f, "items", shard.items);
    write_table(f, "failures", failures);
    if (!shard.tables.empty()) {
      Handle g = h5::create_group(f, "tables");
      for (const auto& [name, t] : shard.tables) write_table(g, name, t);
    }
    h5::write_attr_str(f, "cf_format", kShardFormat);
    h5::write_attr_str(f, "cf_stage", shard.stage);
    h5::write_attr_str(f, "cf_meta", shard.meta.dump());
    h5::write_attr_i64(f, "cf_item_count", static_cast<int64_t>(rows));
    h5::write_attr_i64(f, "cf_failure_count", static_cast<int64_t>(shard.failures.size()));
    h5::write_attr_i64(f, "cf_checksum", crc.value());
    h5::write_attr_i64(f, "cf_complete", 1);  // written last: the completion record
    h5::check(H5Fflush(f, H5F_SCOPE_GLOBAL), "flush '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw DataError("cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
}

ShardStatus shard_status(const std::string& path) {
  ShardStatus st;
  try {
    Handle f = open_file(path);
    if (!h5::has_attr(f, "cf_complete") || h5::read_attr_i64(f, "cf_complete") != 1) {
      st.reason = "no completion record";
      return st;
    }
    if (h5::read_attr_str(f, "cf_format") != kShardFormat) {
      st.reason = "unknown format";
      return st;
    }
    st.stage = h5::read_attr_str(f, "cf_stage");
    st.items = h5::read_attr_i64(f, "cf_item_count");
    st.failures = h5::read_attr_i64(f, "cf_failure_count");
    st.meta = nlohmann::json::parse(h5::read_attr_str(f, "cf_meta"));
    st.complete = true;
  } catch (const std::exception& e) {
    st.reason = e.what();
  }
  return st;
}

Shard read_shard(const std::string& path) {
  try {
    Handle f = open_file(path);
    if (!h5::has_attr(f, "cf_complete") || h5::read_attr_i64(f, "cf_complete") != 1)
      throw DataError("no completion record (shard was not finished)");
    Shard s;
    s.stage = h5::read_attr_str(f, "cf_stage");
    s.meta = nlohmann::json::parse(h5::read_attr_str(f, "cf_meta"));
    s.items = read_table(f, "items");
    Table failures = read_table(f, "failures");
    Checksum crc;
    crc.add_table("items", s.items);
    crc.add_table("failures", failures);
    if (H5Lexists(f, "tables", H5P_DEFAULT) > 0) {
      Handle g(H5Gopen2(f, "tables", H5P_DEFAULT), H5Gclose, "open group tables");
      for (const auto& name : member_names(g)) {
        s.tables[name] = read_table(g, name);
        crc.add_table("tables/" + name, s.tables[name]);
      }
    }
    if (crc.value() != h5::read_attr_i64(f, "cf_checksum"))
      throw DataError("checksum mismatch (content changed after it was written)");
    const int64_t rows = static_cast<int64_t>(s.items.rows());
    if (rows != h5::read_attr_i64(f, "cf_item_count"))
      throw DataError("item count " + std::to_string(rows) + " differs from completion record");
    const size_t nf = failures.rows();
    for (size_t i = 0; i < nf; ++i)
      s.failures.push_back({failures.bytes("item_id")[i], failures.bytes("source")[i], failures.bytes("stage")[i],
                            failures.bytes("reason")[i], failures.bytes("kind")[i]});
    return s;
  } catch (const DataError& e) {
    throw DataError("shard '" + path + "': " + e.what());
  } catch (const std::logic_error& e) {
    throw DataError("shard '" + path + "': " + e.what());
  } catch (const nlohmann::json::exception& e) {
    throw DataError("shard '" + path + "': bad metadata: " + e.what());
  }
}

}  // namespace cf

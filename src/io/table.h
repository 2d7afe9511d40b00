// A column table held in memory: the unit a shard stores. Columns are int64, float32 or byte
// strings (text, encoded images, serialized arrays); all columns have the same number of rows.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cf {

class Table {
 public:
  enum class Kind { I64, F32, Bytes };
  struct Column {
    Kind kind = Kind::I64;
    std::vector<int64_t> i64;
    std::vector<float> f32;
    std::vector<std::string> bytes;
    bool gzip = true;  // false for already-compressed payloads (JPEG): gzip would only cost time
    size_t rows() const;
  };

  void put_i64(const std::string& name, std::vector<int64_t> v);
  void put_f32(const std::string& name, std::vector<float> v);
  void put_bytes(const std::string& name, std::vector<std::string> v, bool gzip = true);

  bool has(const std::string& name) const { return cols_.count(name) != 0; }
  const std::vector<int64_t>& i64(const std::string& name) const;
  const std::vector<float>& f32(const std::string& name) const;
  const std::vector<std::string>& bytes(const std::string& name) const;
  const std::map<std::string, Column>& columns() const { return cols_; }

  size_t rows() const;                                  // throws std::logic_error if columns disagree
  Table select(const std::vector<size_t>& rows) const;  // the given rows, in the given order

 private:
  const Column& col(const std::string& name, Kind kind) const;
  std::map<std::string, Column> cols_;
};

}  // namespace cf

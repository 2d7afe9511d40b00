#include "io/table.h"

#include <stdexcept>

#include "core/error.h"

namespace cf {

size_t Table::Column::rows() const {
  switch (kind) {
    case Kind::I64: return i64.size();
    case Kind::F32: return f32.size();
    case Kind::Bytes: return bytes.size();
  }
  return 0;
}

void Table::put_i64(const std::string& name, std::vector<int64_t> v) {
  Column c;
  c.kind = Kind::I64;
  c.i64 = std::move(v);
  cols_[name] = std::move(c);
}

void Table::put_f32(const std::string& name, std::vector<float> v) {
  Column c;
  c.kind = Kind::F32;
  c.f32 = std::move(v);
  cols_[name] = std::move(c);
}

void Table::put_bytes(const std::string& name, std::vector<std::string> v, bool gzip) {
  Column c;
  c.kind = Kind::Bytes;
  c.bytes = std::move(v);
  c.gzip = gzip;
  cols_[name] = std::move(c);
}

const Table::Column& Table::col(const std::string& name, Kind kind) const {
  auto it = cols_.find(name);
  if (it == cols_.end()) throw DataError("table has no column '" + name + "'");
  if (it->second.kind != kind) throw DataError("column '" + name + "' has another type");
  return it->second;
}

const std::vector<int64_t>& Table::i64(const std::string& n) const { return col(n, Kind::I64).i64; }
const std::vector<float>& Table::f32(const std::string& n) const { return col(n, Kind::F32).f32; }
const std::vector<std::string>& Table::bytes(const std::string& n) const { return col(n, Kind::Bytes).bytes; }

size_t Table::rows() const {
  if (cols_.empty()) return 0;
  size_t n = cols_.begin()->second.rows();
  for (const auto& [name, c] : cols_)
    if (c.rows() != n)
      throw std::logic_error("column '" + name + "' has " + std::to_string(c.rows()) + " rows, expected " +
                             std::to_string(n));
  return n;
}

Table Table::select(const std::vector<size_t>& rows) const {
  Table out;
  for (const auto& [name, c] : cols_) {
    Column s;
    s.kind = c.kind;
    s.gzip = c.gzip;
    for (size_t r : rows) {
      if (c.kind == Kind::I64) s.i64.push_back(c.i64.at(r));
      else if (c.kind == Kind::F32) s.f32.push_back(c.f32.at(r));
      else s.bytes.push_back(c.bytes.at(r));
    }
    out.cols_[name] = std::move(s);
  }
  return out;
}

}  // namespace cf

// The shard columns of every stage, declared once (src/io/schemas.cpp): for each stage and table
// ("items" or a side table such as "regions"), each column's name, kind and whether every shard
// of that stage has it. docs/formats.md and docs/stages/*.md describe the meaning; this is the
// contract in code.
//
// Writers: each stage checks its output against the declaration before the shard is written
// (check_stage_shard; job/shard_map does it for every shard-to-shard stage), so a column that
// is renamed, retyped or forgotten fails the stage's tests instead of a later stage at run time.
// Readers: require_columns checks the columns a reader needs, with the declared kinds, and names
// the shard, table and column when one is missing (e.g. a directory of another stage).
#pragma once
#include <string>
#include <vector>

#include "io/shard.h"

namespace cf {

struct ColumnDecl {
  std::string name;
  Table::Kind kind = Table::Kind::Bytes;
  bool required = true;  // every shard of the stage has it (else: written only in some cases)
};

struct TableDecl {
  std::string table;  // "items" or the side table's name
  std::vector<ColumnDecl> columns;
};

struct StageSchema {
  std::string stage;  // the shard's `stage` ("ingest", "segment", ...)
  std::vector<TableDecl> tables;
  const TableDecl* find(const std::string& table) const;
};

// The declaration of a stage, or nullptr (stages without shards of this format).
const StageSchema* stage_schema(const std::string& stage);
// Every declared stage, in chain order.
const std::vector<StageSchema>& stage_schemas();

// Throws DataError (naming `where`) unless every table and column of `shard` is declared for
// shard.stage with a matching kind and every required column is present. Throws for an
// undeclared stage too. Called by the stage writers before write_shard.
void check_stage_shard(const Shard& shard, const std::string& where);

// Readers: `table` of `shard` has each of `columns` with the kind `stage` declares for it.
// Throws DataError naming `where`, the table and the column ("... (not a <stage> output?)").
void require_columns(const Shard& shard, const std::string& stage, const std::string& table,
                     const std::vector<std::string>& columns, const std::string& where);

}  // namespace cf

// cf-scenegen's library entry: writes the synthetic corpus under a root directory.
//
// Layout (N = zero-padded 6-digit index):
//   images/scene_N.jpg   labels/scene_N.json   masks/scene_N.png (16-bit instance ids)
//   clips/clip_N.mp4 (or .avi when mp4 cannot be written)   clips/clip_N.json
//   scenegen_manifest.json (rank 0)
// Item k of [images..., clips...] is written by rank k % world; an item depends only on
// (seed, stream, index), so the bytes do not depend on world size or threads. Files go to a
// temporary name first and are renamed; items whose files all exist are skipped (resume).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "scenegen/options.h"
#include "scenegen/render_scene.h"
#include "scenegen/scene_spec.h"

namespace cf::scenegen {

struct SceneGenStats {
  int64_t images_written = 0;
  int64_t clips_written = 0;
  int64_t skipped = 0;  // items whose files already existed
  int64_t failed = 0;
  std::vector<std::string> errors;  // one line per failed item
};

SceneGenStats generate_corpus(const SceneGenOptions& opt, const std::string& root, int rank, int world);

// The pieces, for tests and tools: scene specs of item i, and one rendered image.
SpecOptions spec_options(const SceneGenOptions& opt);
SceneSpec image_spec(const SceneGenOptions& opt, int index);
SceneSpec clip_spec(const SceneGenOptions& opt, int index);
std::string item_stem(const char* prefix, int index);  // "scene_000042"

}  // namespace cf::scenegen

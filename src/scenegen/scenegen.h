// Public API of cf_scenegen: deterministic synthetic dashcam scenes (images and clips) with
// instance masks and Cosmos-schema annotations. See docs/scenegen.md.
#pragma once
#include "scenegen/annotation.h"
#include "scenegen/corpus_writer.h"
#include "scenegen/options.h"
#include "scenegen/render_scene.h"
#include "scenegen/scene_spec.h"

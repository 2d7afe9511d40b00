// Frame rendering: sky, ground, markings, facades, then objects and props far to near (later
// occluders overwrite the mask), weather effects, and boxes measured from the mask.
#include "scenegen/render_scene.h"

#include <algorithm>
#include <map>

#include "scenegen/camera.h"
#include "scenegen/render_internal.h"

namespace cf::scenegen {

RenderedFrame render_frame(const SceneSpec& spec, double t, int frame) {
  RenderedFrame out;
  out.image.create(spec.height, spec.width, CV_8UC3);
  out.mask = cv::Mat::zeros(spec.height, spec.width, CV_16UC1);
  Camera cam = Camera::for_scene(spec, t);
  Painter p(out.image, out.mask, make_atmosphere(spec));

  draw_sky(spec, cam, p);
  draw_ground(spec, cam, p);
  draw_markings(spec, cam, p);
  draw_buildings(spec, cam, p);

  struct Item {
    double z;
    int order;  // tie-break: stable and deterministic
    const SceneObject* obj;
    const Prop* prop;
    cv::Point2d pos;
  };
  std::vector<Item> items;
  int order = 0;
  for (const SceneObject& o : spec.objects) {
    cv::Point2d pos = object_position(o, spec.ego, t);
    items.push_back({cam.rel(pos.y), order++, &o, nullptr, pos});
  }
  for (const Prop& pr : spec.props)
    if (pr.kind != PropKind::Building) items.push_back({cam.rel(pr.z), order++, nullptr, &pr, {pr.x, pr.z}});
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.z != b.z ? a.z > b.z : a.order < b.order; });

  std::map<int, int64_t> drawn;
  std::map<int, cv::Point2d> where;
  for (const Item& it : items) {
    if (it.prop) {
      draw_prop(*it.prop, spec, cam, p);
      continue;
    }
    p.begin_object(it.obj->id);
    draw_object(*it.obj, it.pos, spec, cam, p, t);
    drawn[it.obj->id] = p.end_object();
    double lateral = it.pos.x + 0.5 * cam.curvature * it.z * it.z - cam.ego_x;
    where[it.obj->id] = {it.z, lateral};
  }

  Rng frame_rng(spec.seed ^ (0xF7A3E000ull + static_cast<uint64_t>(frame)));
  apply_weather(out.image, spec, cam, p, frame_rng);

  // Boxes from the mask: one pass over all pixels.
  struct Acc {
    int x0 = INT32_MAX, y0 = INT32_MAX, x1 = -1, y1 = -1;
    int64_t n = 0;
  };
  std::vector<Acc> acc(spec.objects.size() + 1);
  for (int y = 0; y < out.mask.rows; ++y) {
    const uint16_t* row = out.mask.ptr<uint16_t>(y);
    for (int x = 0; x < out.mask.cols; ++x) {
      if (!row[x] || row[x] >= acc.size()) continue;
      Acc& a = acc[row[x]];
      a.x0 = std::min(a.x0, x), a.x1 = std::max(a.x1, x);
      a.y0 = std::min(a.y0, y), a.y1 = std::max(a.y1, y);
      ++a.n;
    }
  }
  for (int id = 1; id < int(acc.size()); ++id) {
    const Acc& a = acc[static_cast<size_t>(id)];
    if (a.n == 0) continue;
    VisibleObject v;
    v.id = id;
    v.box = cv::Rect(a.x0, a.y0, a.x1 - a.x0 + 1, a.y1 - a.y0 + 1);
    v.area = a.n;
    int64_t d = std::max<int64_t>(drawn[id], a.n);
    v.occlusion = d > 0 ? 1.0 - double(a.n) / double(d) : 0.0;
    v.truncated = a.x0 == 0 || a.y0 == 0 || a.x1 == out.mask.cols - 1 || a.y1 == out.mask.rows - 1;
    v.depth = where[id].x;
    v.lateral = where[id].y;
    out.objects.push_back(v);
  }
  return out;
}

}  // namespace cf::scenegen

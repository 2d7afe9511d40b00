// Object factories (vehicle, pedestrian, animal, debris with sizes and colours) and background
// props (buildings, trees, street lights).
#include <cmath>

#include "scenegen/spec_internal.h"

namespace cf::scenegen {

namespace {
const NamedColor kVehicleColors[] = {{"white", {235, 235, 235}},  {"black", {28, 26, 25}},  {"silver", {185, 185, 180}},
                                     {"grey", {110, 110, 110}},   {"red", {40, 40, 190}},   {"blue", {170, 80, 30}},
                                     {"dark_blue", {90, 40, 20}}, {"green", {60, 120, 40}}, {"yellow", {30, 200, 230}},
                                     {"orange", {20, 120, 240}},  {"brown", {40, 70, 110}}};
const NamedColor kClothing[] = {{"red", {50, 50, 200}},     {"blue", {160, 90, 40}},   {"black", {30, 30, 30}},
                                {"white", {230, 230, 230}}, {"green", {70, 140, 60}},  {"yellow", {40, 210, 230}},
                                {"grey", {120, 120, 120}},  {"pink", {170, 120, 230}}, {"brown", {50, 80, 120}},
                                {"orange", {30, 140, 250}}};
}  // namespace

const NamedColor& random_vehicle_color(Rng& r) { return kVehicleColors[r.range(0, 10)]; }
const NamedColor& random_clothing_color(Rng& r) { return kClothing[r.range(0, 9)]; }

SceneObject make_vehicle(Rng& r, ObjClass cls, double x, double z, bool facing_ego) {
  SceneObject o;
  o.cls = cls;
  o.x = x;
  o.z = z;
  o.facing_ego = facing_ego;
  const NamedColor* c = &random_vehicle_color(r);
  if (cls == ObjClass::Car) {
    int k = r.weighted({5, 3, 1.5, 0.8});
    static const char* kinds[] = {"sedan", "suv", "van", "taxi"};
    o.kind = kinds[k];
    const double w[] = {1.8, 1.9, 2.0, 1.8}, h[] = {1.45, 1.75, 2.1, 1.5}, l[] = {4.5, 4.8, 5.2, 4.6};
    o.w = w[k] * r.uniform(0.95, 1.05);
    o.h = h[k] * r.uniform(0.95, 1.05);
    o.len = l[k];
    if (k == 3) c = &kVehicleColors[8];
  } else if (cls == ObjClass::Truck) {
    o.kind = r.chance(0.6) ? "box_truck" : "semi_trailer";
    o.w = 2.5;
    o.h = r.uniform(3.2, 3.9);
    o.len = o.kind == "box_truck" ? r.uniform(7, 9) : r.uniform(14, 16);
  } else {  // bus
    o.kind = r.chance(0.75) ? "city_bus" : "coach";
    o.w = 2.55;
    o.h = r.uniform(3.0, 3.4);
    o.len = 12;
    static const int bus_colors[] = {0, 4, 5, 7, 8};
    c = &kVehicleColors[bus_colors[r.range(0, 4)]];
  }
  o.color = c->bgr;
  o.color_name = c->name;
  return o;
}

SceneObject make_pedestrian(Rng& r, double x, double z) {
  SceneObject o;
  o.cls = ObjClass::Pedestrian;
  bool child = r.chance(0.15);
  o.kind = child ? "child" : "adult";
  o.h = child ? r.uniform(1.0, 1.3) : r.uniform(1.55, 1.9);
  o.w = o.h * 0.28;
  o.len = 0.3;
  o.x = x;
  o.z = z;
  const NamedColor& c = random_clothing_color(r);
  o.color = c.bgr;
  o.color_name = c.name;
  o.facing_ego = r.chance(0.5);
  return o;
}

SceneObject make_animal(Rng& r, double x, double z) {
  SceneObject o;
  o.cls = ObjClass::Animal;
  int k = r.weighted({3, 2, 1.5, 1});
  static const char* kinds[] = {"dog", "deer", "cow", "horse"};
  const double len[] = {0.9, 1.6, 2.3, 2.2}, h[] = {0.6, 1.4, 1.5, 1.6};
  static const NamedColor colors[] = {
      {"brown", {40, 75, 120}}, {"tan", {80, 130, 170}}, {"black", {30, 30, 30}}, {"white", {225, 225, 225}}};
  o.kind = kinds[k];
  o.w = len[k];
  o.h = h[k] * r.uniform(0.9, 1.1);
  o.len = 0.5;
  o.x = x;
  o.z = z;
  o.side_view = true;
  o.facing_ego = r.chance(0.5);  // side view: facing left (true) or right
  const NamedColor& c = k == 1 ? colors[1] : colors[r.range(0, 3)];
  o.color = c.bgr;
  o.color_name = c.name;
  return o;
}

SceneObject make_debris(Rng& r, double x, double z) {
  SceneObject o;
  o.cls = ObjClass::Debris;
  o.corner_case = true;
  int k = r.weighted({2, 1.5, 2, 1.5, 1});
  static const char* kinds[] = {"tire", "mattress", "cargo_box", "rock", "tree_branch"};
  const double w[] = {0.7, 1.9, 0.9, 0.6, 2.0}, h[] = {0.7, 0.25, 0.7, 0.45, 0.35}, l[] = {0.25, 1.4, 0.9, 0.5, 0.4};
  static const NamedColor colors[] = {{"black", {25, 25, 25}},
                                      {"white", {215, 220, 225}},
                                      {"brown", {60, 110, 160}},
                                      {"grey", {120, 125, 125}},
                                      {"brown", {30, 60, 90}}};
  o.kind = kinds[k];
  double sc = r.uniform(0.85, 1.15);
  o.w = w[k] * sc;
  o.h = h[k] * sc;
  o.len = l[k] * sc;
  o.x = x;
  o.z = z;
  o.color = colors[k].bgr;
  o.color_name = colors[k].name;
  return o;
}

void make_props(SceneSpec& s, Rng& r, double z_max) {
  const RoadSpec& rd = s.road;
  bool cross = rd.junction == Junction::FourWay || rd.junction == Junction::TIntersection;
  double gap0 = rd.junction == Junction::Roundabout ? rd.junction_z - 4 : rd.junction_z - 4;
  double gap1 = rd.junction == Junction::Roundabout ? 1e9 : rd.junction_z + rd.junction_w + 4;
  bool has_gap = cross || rd.junction == Junction::Roundabout;
  auto in_gap = [&](double z0, double z1) { return has_gap && z1 > gap0 && z0 < gap1; };
  static const cv::Scalar facades[] = {{150, 170, 190}, {120, 120, 125}, {90, 100, 150},
                                       {170, 175, 170}, {100, 130, 160}, {70, 80, 95}};
  for (int side = -1; side <= 1; side += 2) {
    double edge = side > 0 ? rd.right_edge() : rd.left_edge();
    if (rd.sidewalks) {
      double x = edge + side * (3.0 + r.uniform(0.3, 4.0));
      for (double z = r.uniform(-8, 2); z < z_max;) {
        double len = r.uniform(10, 35);
        if (!in_gap(z, z + len)) {
          Prop p;
          p.kind = PropKind::Building;
          p.x = x;
          p.z = z;
          p.len = len;
          p.h = r.uniform(5, 28);
          p.color = facades[r.range(0, 5)];
          s.props.push_back(p);
        }
        z += len + (r.chance(0.4) ? r.uniform(2, 10) : 0.0);
      }
      for (double z = r.uniform(0, 20); z < z_max; z += r.uniform(12, 30))
        if (r.chance(0.5) && !in_gap(z - 2, z + 2))
          s.props.push_back({PropKind::Tree, edge + side * 2.5, z, 0, r.uniform(4, 7), {40, 110, 50}});
    } else {
      for (double z = r.uniform(0, 8); z < z_max; z += r.uniform(5, 18))
        s.props.push_back({PropKind::Tree, edge + side * r.uniform(2.5, 14), z, 0, r.uniform(4, 10),
                           cv::Scalar(r.uniform(25, 60), r.uniform(90, 130), r.uniform(30, 70))});
    }
    if (s.streetlights && (side > 0 || rd.lanes_ego + rd.lanes_opp >= 4))
      for (double z = r.uniform(3, 20); z < z_max; z += r.uniform(25, 35))
        if (!in_gap(z - 1, z + 1)) s.props.push_back({PropKind::StreetLight, edge + side * 0.6, z, 0, 8, {60, 60, 60}});
  }
  if (rd.junction == Junction::TIntersection || rd.junction == Junction::Roundabout) {
    double z0 = rd.junction == Junction::Roundabout ? rd.junction_z + rd.junction_w * 2 + rd.roundabout_r * 2
                                                    : rd.junction_z + rd.junction_w + 5;
    for (int i = r.range(4, 7); i > 0; --i)
      s.props.push_back({PropKind::Tree, r.uniform(-18, 18), z0 + r.uniform(0, 6), 0, r.uniform(4, 9),
                         cv::Scalar(r.uniform(25, 60), r.uniform(90, 130), r.uniform(30, 70))});
  }
}

}  // namespace cf::scenegen

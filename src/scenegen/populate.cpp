// Places traffic participants, traffic control and hazards on a scene's road.
#include <cmath>
#include <map>
#include <utility>

#include "scenegen/spec_internal.h"

namespace cf::scenegen {

namespace {

// Longitudinal occupancy per lane key, so placed objects do not overlap.
class Occupancy {
 public:
  bool free(int lane, double z0, double z1) const {
    auto it = used_.find(lane);
    if (it == used_.end()) return true;
    for (const auto& [a, b] : it->second)
      if (z1 > a && z0 < b) return false;
    return true;
  }
  void take(int lane, double z0, double z1) { used_[lane].emplace_back(z0, z1); }

 private:
  std::map<int, std::vector<std::pair<double, double>>> used_;
};

int speed_for(Rng& r, const std::string& road_type) {
  if (road_type == "local" || road_type == "one_way") return r.pick(std::vector<int>{30, 40, 50});
  if (road_type == "collector") return r.pick(std::vector<int>{40, 50, 60});
  if (road_type == "arterial") return r.pick(std::vector<int>{50, 60, 70});
  if (road_type == "country") return r.pick(std::vector<int>{60, 70, 80, 100});
  return r.pick(std::vector<int>{80, 100, 120});
}

SceneObject make_sign(const std::string& kind, double x, double z) {
  SceneObject o;
  o.cls = ObjClass::TrafficSign;
  o.kind = kind;
  o.x = x;
  o.z = z;
  o.w = o.h = kind == "yield" ? 0.8 : 0.7;
  o.len = 0.05;
  o.elev = 1.9;
  o.location = "roadside";
  return o;
}

SceneObject make_light(const std::string& state, double x, double z, bool overhead) {
  SceneObject o;
  o.cls = ObjClass::TrafficLight;
  o.state = state;
  o.x = x;
  o.z = z;
  o.w = 0.36;
  o.h = 0.95;
  o.len = 0.3;
  o.overhead = overhead;
  o.elev = overhead ? 5.0 : 2.4;
  o.location = overhead ? "overhead" : "roadside";
  return o;
}

void add(SceneSpec& s, SceneObject o) {
  o.id = next_id(s);
  s.objects.push_back(std::move(o));
}

std::string lane_location(const RoadSpec& rd, int lane) {
  if (lane < 0) return "oncoming_lane";
  if (lane == rd.ego_lane) return "ego_lane";
  return std::abs(lane - rd.ego_lane) == 1 ? "adjacent_lane" : "other_lane";
}

}  // namespace

void populate(SceneSpec& s, Rng& r, double cc_rate, bool allow_hazards) {
  RoadSpec& rd = s.road;
  Occupancy occ;
  const bool cross = rd.junction == Junction::FourWay || rd.junction == Junction::TIntersection;
  const double z_end =
      (rd.junction == Junction::TIntersection || rd.junction == Junction::Roundabout) ? rd.junction_z - 1.5 : 140.0;
  auto lane_x = [&](int lane) { return lane >= 0 ? rd.lane_center(lane) : rd.opp_center(-lane - 1); };

  // Vehicles.
  int traffic = r.weighted({0.35, 0.45, 0.2});
  int n = traffic == 0 ? r.range(1, 3) : traffic == 1 ? r.range(3, 6) : r.range(6, 11);
  for (int i = 0, tries = 0; i < n && tries < 4 * n; ++tries) {
    bool opp = rd.lanes_opp > 0 && r.chance(0.4);
    int lane = opp ? -1 - r.range(0, rd.lanes_opp - 1) : r.range(0, rd.lanes_ego - 1);
    ObjClass cls = static_cast<ObjClass>(r.weighted({0.72, 0.14, 0.14}));
    double z = 7 + 110 * std::pow(r.uniform(), 1.4);
    if (lane == rd.ego_lane && z < 10) z += 6;
    SceneObject o = make_vehicle(r, cls, lane_x(lane) + r.uniform(-0.25, 0.25), z, opp);
    if (z + o.len > z_end || !occ.free(lane, z - 2, z + o.len + 2)) continue;
    occ.take(lane, z - 2, z + o.len + 2);
    o.location = lane_location(rd, lane);
    add(s, o);
    ++i;
  }
  if (cross && r.chance(0.6)) {
    for (int i = r.range(1, 2); i > 0; --i) {
      double z = rd.junction_z + rd.lane_w * (i == 1 ? 0.5 : 1.5);
      SceneObject o = make_vehicle(r, r.chance(0.85) ? ObjClass::Car : ObjClass::Truck, r.uniform(-22, 22), z, false);
      o.side_view = true;
      o.facing_ego = i == 1;  // heading left on the near half, right on the far half
      o.location = "cross_road";
      add(s, o);
    }
  }

  // Pedestrians, dogs and cyclists.
  if (rd.sidewalks) {
    for (int i = r.range(0, 5); i > 0; --i) {
      bool right = rd.lanes_opp == 0 || r.chance(0.6);
      double x = right ? rd.right_edge() + r.uniform(0.4, 2.6) : rd.left_edge() - r.uniform(0.4, 2.6);
      SceneObject p = make_pedestrian(r, x, r.uniform(5, 70));
      p.location = "sidewalk";
      add(s, p);
      if (r.chance(0.12)) {
        SceneObject d = make_animal(r, x + (right ? 0.6 : -0.6), p.z + 0.8);
        d.kind = "dog";
        d.w = 0.9;
        d.h = 0.6;
        d.location = "sidewalk";
        add(s, d);
      }
    }
    if (rd.crosswalk && r.chance(0.45)) {
      for (int i = r.range(1, 3); i > 0; --i) {
        SceneObject p =
            make_pedestrian(r, r.uniform(rd.left_edge(), rd.right_edge()), rd.crosswalk_z + r.uniform(0.8, 2.2));
        p.side_view = true;
        p.location = "crosswalk";
        add(s, p);
      }
    }
  } else if (r.chance(0.2)) {
    SceneObject p = make_pedestrian(r, rd.right_edge() + 0.9, r.uniform(8, 50));
    p.location = "shoulder";
    add(s, p);
  }
  int cyclists = rd.bike_lane ? r.range(0, 2) : (r.chance(0.3) ? 1 : 0);
  for (int i = 0; i < cyclists; ++i) {
    SceneObject c = make_pedestrian(r, rd.right_edge() - 0.8, r.uniform(8, 70));
    c.cls = ObjClass::Cyclist;
    c.kind = "bicycle";
    c.h = 1.75;
    c.w = 0.6;
    c.len = 1.8;
    c.facing_ego = false;
    c.location = rd.bike_lane ? "bike_lane" : "road_edge";
    if (c.z < z_end) add(s, c);
  }

  // Traffic control and signs.
  static const char* states[] = {"red", "yellow", "green"};
  std::string state = states[r.weighted({0.45, 0.15, 0.4})];
  if (rd.control == Control::Lights && cross) {
    for (int i = 0; i < std::min(rd.lanes_ego, 2); ++i)
      add(s, make_light(state, rd.lane_center(rd.lanes_ego - 1 - i), rd.junction_z + rd.junction_w + 0.5, true));
    add(s, make_light(state, rd.right_edge() + 1.2, rd.junction_z - 0.5, false));
  } else if (rd.crosswalk && !cross && r.chance(0.5)) {
    add(s, make_light(state, rd.right_edge() + 1.2, rd.crosswalk_z - 0.5, false));
  }
  if (rd.control == Control::StopSign && cross)
    add(s, make_sign("stop", rd.right_edge() + 1.0, (rd.crosswalk ? rd.crosswalk_z : rd.junction_z) - 1.0));
  if (rd.control == Control::Yield) add(s, make_sign("yield", rd.right_edge() + 1.0, rd.junction_z - 1.5));
  if (rd.crosswalk && r.chance(0.7))
    add(s, make_sign("pedestrian_crossing", rd.right_edge() + 1.2, rd.crosswalk_z - r.uniform(2, 8)));
  if (rd.junction == Junction::FourWay && r.chance(0.3))
    add(s, make_sign("no_entry", rd.left_edge() - 1.0, rd.junction_z + rd.junction_w + 1.0));
  for (int i = r.range(0, 2); i > 0; --i) {
    bool curve = rd.junction == Junction::Curve;
    int k = r.weighted({3, 1, 1, 0.6, curve ? 3.0 : 0.0});
    static const char* kinds[] = {"speed_limit", "no_parking", "keep_right", "no_entry", "curve_ahead"};
    bool left = rd.lanes_opp == 0 && r.chance(0.3);
    double x = left ? rd.left_edge() - r.uniform(0.8, 1.5) : rd.right_edge() + r.uniform(0.8, 1.5);
    SceneObject g = make_sign(kinds[k], x, r.uniform(8, std::min(70.0, z_end)));
    if (k == 0) g.speed = speed_for(r, rd.road_type);
    if (k == 4) g.state = rd.curvature > 0 ? "right" : "left";
    add(s, g);
  }

  // Road works: a taper of cones and a barrier, announced by a sign.
  if (rd.junction != Junction::Roundabout && r.chance(0.2)) {
    int lane = rd.lanes_ego - 1;
    double z0 = r.uniform(15, 45);
    int cones = r.range(5, 8);
    double step = r.uniform(2.5, 3.5);
    double xc = rd.lanes_ego >= 2 ? rd.lane_center(lane) : rd.right_edge() - 0.4;
    if (z0 + cones * step + 2 < z_end && occ.free(lane, z0 - 2, z0 + cones * step + 2)) {
      occ.take(lane, z0 - 2, z0 + cones * step + 2);
      add(s, make_sign("road_work", rd.right_edge() + 1.2, z0 - 10));
      for (int i = 0; i < cones; ++i) {
        SceneObject c;
        c.cls = ObjClass::Cone;
        c.kind = "traffic_cone";
        c.w = 0.35;
        c.h = 0.7;
        c.len = 0.35;
        double f = std::min(1.0, i / 3.0);
        c.x = rd.right_edge() - 0.3 - f * (rd.right_edge() - 0.3 - (xc - rd.lane_w * 0.45));
        c.z = z0 + i * step;
        c.color = {0, 110, 245};
        c.color_name = "orange";
        c.location = lane == rd.ego_lane && rd.lanes_ego >= 2 ? "ego_lane" : "lane_edge";
        add(s, c);
      }
      SceneObject b;
      b.cls = ObjClass::Barrier;
      b.kind = "striped_barrier";
      b.w = 1.6;
      b.h = 1.0;
      b.len = 0.3;
      b.x = xc;
      b.z = z0 + cones * step + 1;
      b.color = {30, 30, 220};
      b.color_name = "red_white";
      b.location = lane == rd.ego_lane ? "ego_lane" : "adjacent_lane";
      add(s, b);
    }
  }
  if (rd.junction == Junction::TIntersection && r.chance(0.5)) {
    SceneObject b;
    b.cls = ObjClass::Barrier;
    b.kind = "chevron_board";
    b.w = 2.4;
    b.h = 0.8;
    b.len = 0.2;
    b.elev = 0.6;
    b.x = rd.lane_center(rd.ego_lane);
    b.z = rd.junction_z + rd.junction_w + 1.5;
    b.color = {0, 200, 255};
    b.color_name = "yellow_black";
    b.location = "road_end";
    add(s, b);
  }

  // Hazards: the corner cases.
  if (!allow_hazards || !r.chance(cc_rate)) return;
  for (int i = r.chance(0.25) ? 2 : 1; i > 0; --i) {
    int kind = r.weighted({3, 2, 1});
    int lane = r.chance(0.6) ? rd.ego_lane : (rd.lanes_opp > 0 && r.chance(0.5) ? -1 : r.range(0, rd.lanes_ego - 1));
    double z = r.uniform(10, std::min(60.0, z_end - 1));
    if (!occ.free(lane, z - 3, z + 3)) continue;
    occ.take(lane, z - 3, z + 3);
    SceneObject o;
    if (kind == 0) {
      o = make_debris(r, lane_x(lane) + r.uniform(-0.8, 0.8), z);
      o.location = lane_location(rd, lane);
    } else if (kind == 1) {
      o = make_animal(r, lane_x(lane) + r.uniform(-1.0, 1.0), z);
      o.location = "on_road";
    } else {
      o = make_pedestrian(r, lane_x(lane) + r.uniform(-1.0, 1.0), z);
      o.side_view = true;
      o.kind = o.kind == "child" ? "child_jaywalking" : "jaywalking";
      o.location = "on_road";
    }
    o.corner_case = true;
    add(s, o);
  }
}

}  // namespace cf::scenegen

// Clip scenes: an environment constrained by the scripted event, background traffic in motion,
// the ego speed/lateral plan, and the scripted actors (crossing pedestrian, cut-in vehicle,
// red light, lead vehicle, animal, debris).
#include <algorithm>
#include <cmath>

#include "scenegen/spec_internal.h"

namespace cf::scenegen {

namespace {

bool is_vehicle(const SceneObject& o) {
  return o.cls == ObjClass::Car || o.cls == ObjClass::Truck || o.cls == ObjClass::Bus;
}

// Ego brakes from t_b to a stop (or v_min) at t_s; returns the distance travelled until t_s.
double plan_stop(EgoPlan& e, double t_b, double t_s, double v_min) {
  e.t_brake = t_b;
  e.v_min = v_min;
  e.decel = (e.v0 - v_min) / (t_s - t_b);
  return e.v0 * t_b + 0.5 * (e.v0 + v_min) * (t_s - t_b);
}

void set_background_motion(SceneSpec& s, Rng& r, double T) {
  const double v0 = s.ego.v0;
  const RoadSpec& rd = s.road;
  double stop_z = rd.junction_z + rd.junction_w;
  for (size_t i = 0; i < s.objects.size(); ++i) {
    SceneObject& o = s.objects[i];
    Motion& m = o.motion;
    if (is_vehicle(o)) {
      if (o.location == "cross_road") {
        if (s.event == ClipEvent::RedLight) {
          double v = r.uniform(8, 11) * (o.facing_ego ? -1 : 1);
          m.vx = v;
          o.x = -v * T * 0.5 + r.uniform(-6, 6);
        }
      } else if (o.location == "oncoming_lane") {
        m.vz = s.event == ClipEvent::RedLight && o.z > rd.junction_z ? 0 : -r.uniform(8, 13);
      } else if (s.event == ClipEvent::RedLight && o.z < stop_z) {
        m.follow_ego = true;  // queues at the red light next to the ego
      } else {
        m.vz = v0 * r.uniform(0.9, 1.25);
      }
    } else if (o.cls == ObjClass::Pedestrian && o.location == "sidewalk") {
      m.vz = r.uniform(1.0, 1.5) * (r.chance(0.5) ? 1 : -1);
      o.facing_ego = m.vz < 0;
    } else if (o.cls == ObjClass::Pedestrian && o.location == "crosswalk") {
      o.x = rd.right_edge() + 0.5 - r.uniform(0, 2);
      m.vx = -r.uniform(1.1, 1.5);
    } else if (o.cls == ObjClass::Cyclist) {
      m.vz = r.uniform(3.5, 5.0);
    } else if (o.cls == ObjClass::Animal && i > 0 && o.location == "sidewalk") {
      m.vz = s.objects[i - 1].motion.vz;  // the dog walks with its owner
    }
  }
}

}  // namespace

SceneSpec make_clip_spec(const SpecOptions& opt, uint64_t item_seed, int index) {
  SceneSpec s;
  s.seed = item_seed;
  s.index = index;
  s.width = opt.width;
  s.height = opt.height;
  Rng r(item_seed);
  const double T = opt.clip_seconds;
  s.event = static_cast<ClipEvent>(1 + r.range(0, 5));
  EnvConstraints c;
  bool curve_ok = r.chance(0.35);
  switch (s.event) {
    case ClipEvent::PedestrianCrossing:
      c.junction = int(Junction::Straight);
      c.urban = true;
      break;
    case ClipEvent::RedLight:
      c.junction = int(Junction::FourWay);
      c.control = int(Control::Lights);
      break;
    case ClipEvent::CutIn: c.min_lanes_ego = 2; [[fallthrough]];
    case ClipEvent::Animal: c.prefer_country = s.event == ClipEvent::Animal; [[fallthrough]];
    default: c.junction = int(curve_ok ? Junction::Curve : Junction::Straight); break;
  }
  make_environment(s, opt, r, c);
  RoadSpec& rd = s.road;
  if (rd.junction == Junction::Curve && rd.curvature == 0) rd.curvature = 0.004;
  if (rd.junction == Junction::Straight) rd.crosswalk = false;
  EgoPlan& e = s.ego;
  e.v0 = e.v_resume = r.uniform(8, 12);

  // Event geometry that the background must respect (crosswalk, junction position).
  double lead_gap = 0;
  if (s.event == ClipEvent::PedestrianCrossing) {
    double s_stop = plan_stop(e, 0.2 * T, 0.7 * T, 0);
    s.jaywalk = r.chance(0.4);
    rd.crosswalk = !s.jaywalk;
    rd.crosswalk_z = s_stop + 3.0;
  } else if (s.event == ClipEvent::RedLight) {
    lead_gap = r.chance(0.4) ? r.uniform(7, 9) : 0;
    double stop_line = plan_stop(e, 0.15 * T, 0.75 * T, 0) + 2.5 + lead_gap;
    rd.crosswalk = rd.sidewalks && r.chance(0.6);
    rd.crosswalk_z = stop_line + 1.0;
    rd.junction_z = rd.crosswalk ? rd.crosswalk_z + 3.5 : stop_line + 1.5;
  }
  make_props(s, r, 400);
  populate(s, r, 0.0, false);

  // Keep the ego's path clear for the script.
  int adj = rd.ego_lane + 1 < rd.lanes_ego ? rd.ego_lane + 1 : rd.ego_lane - 1;
  auto in_lane = [&](const SceneObject& o, int lane) {
    return lane >= 0 && std::abs(o.x - rd.lane_center(lane)) < rd.lane_w * 0.5;
  };
  s.objects.erase(std::remove_if(s.objects.begin(), s.objects.end(),
                                 [&](const SceneObject& o) {
                                   if (o.cls == ObjClass::Cone || o.cls == ObjClass::Barrier)
                                     return o.location != "road_end";
                                   if (o.location == "crosswalk" && s.event != ClipEvent::RedLight) return true;
                                   if (!is_vehicle(o) && o.cls != ObjClass::Cyclist) return false;
                                   if (o.location == "cross_road" || o.location == "oncoming_lane") return false;
                                   return in_lane(o, rd.ego_lane) || (in_lane(o, adj) && o.z < 60) ||
                                          o.cls == ObjClass::Cyclist;
                                 }),
                  s.objects.end());
  s.objects.erase(
      std::remove_if(s.objects.begin(), s.objects.end(), [](const SceneObject& o) { return o.kind == "road_work"; }),
      s.objects.end());
  for (SceneObject& o : s.objects)
    if (o.cls == ObjClass::TrafficLight)
      o.state = (s.event == ClipEvent::RedLight || s.event == ClipEvent::PedestrianCrossing) ? "red" : "green";
  for (size_t i = 0; i < s.objects.size(); ++i) s.objects[i].id = static_cast<int>(i) + 1;
  set_background_motion(s, r, T);

  auto add = [&](SceneObject o) {
    o.id = next_id(s);
    s.objects.push_back(std::move(o));
  };
  const double ego_x = rd.lane_center(rd.ego_lane);
  switch (s.event) {
    case ClipEvent::PedestrianCrossing: {
      // Walk from the right so that the pedestrian is just ahead of the ego when it stops.
      double z = rd.crosswalk_z + 1.5, t_stop = 0.7 * T;
      for (int i = r.chance(0.3) ? 2 : 1; i > 0; --i) {
        SceneObject p = make_pedestrian(r, 0, z + (i - 1) * 0.7);
        double v = r.uniform(1.2, 1.6), target = ego_x + 0.6 + (i - 1) * 0.9;
        p.x = std::min(target + v * t_stop, rd.right_edge() + 0.8 + (i - 1) * 0.9);
        p.motion.vx = -v;
        p.motion.t_start = std::max(0.0, t_stop - (p.x - target) / v);
        p.side_view = true;
        p.facing_ego = true;
        p.location = s.jaywalk ? "on_road" : "crosswalk";
        p.corner_case = s.jaywalk || p.kind == "child";
        if (s.jaywalk) p.kind = p.kind == "child" ? "child_jaywalking" : "jaywalking";
        add(p);
      }
      break;
    }
    case ClipEvent::CutIn: {
      SceneObject v = make_vehicle(r, ObjClass::Car, rd.lane_center(adj), r.uniform(7, 11), false);
      v.motion.vz = e.v0 + r.uniform(1, 2.5);
      v.motion.lat_dx = ego_x - rd.lane_center(adj);
      v.motion.lat_t1 = 0.25 * T;
      v.motion.lat_t2 = 0.6 * T;
      v.blinker = r.chance(0.5);
      v.location = "adjacent_lane";
      add(v);
      e.t_brake = 0.35 * T;
      e.decel = 2.5;
      e.v_min = e.v0 - 3;
      break;
    }
    case ClipEvent::RedLight: {
      if (lead_gap > 0) {
        SceneObject v = make_vehicle(r, ObjClass::Car, ego_x, lead_gap, false);
        v.motion.follow_ego = true;
        v.location = "ego_lane";
        add(v);
      }
      bool crossing = false;
      for (const auto& o : s.objects) crossing |= o.location == "cross_road";
      if (!crossing) {
        SceneObject v = make_vehicle(r, ObjClass::Car, 0, rd.junction_z + rd.lane_w * 0.5, true);
        v.side_view = true;
        v.motion.vx = -r.uniform(8, 11);
        v.x = -v.motion.vx * T * 0.5;
        v.location = "cross_road";
        add(v);
      }
      break;
    }
    case ClipEvent::Following: {
      ObjClass cls = static_cast<ObjClass>(r.weighted({0.7, 0.15, 0.15}));
      SceneObject v = make_vehicle(r, cls, ego_x + r.uniform(-0.2, 0.2), r.uniform(10, 22), false);
      v.motion.follow_ego = true;
      v.location = "ego_lane";
      add(v);
      if (r.chance(0.5)) {
        e.t_brake = 0.5 * T;
        e.decel = 1.0;
        e.v_min = e.v0 - 2;
      }
      break;
    }
    case ClipEvent::Animal: {
      double v_min = r.chance(0.5) ? 0.0 : 2.0;
      plan_stop(e, 0.2 * T, 0.75 * T, v_min);
      SceneObject a = make_animal(r, 0, e.distance(T) + r.uniform(6, 9));
      double v = a.kind == "deer" ? r.uniform(2.0, 3.0) : r.uniform(1.0, 1.6), target = ego_x - 0.5;
      a.x = std::min(target + v * T, rd.right_edge() + 2.5);
      a.motion.vx = -v;
      a.motion.t_start = std::max(0.0, T - (a.x - target) / v);
      a.facing_ego = true;  // heads left, across the road
      a.corner_case = true;
      a.location = "on_road";
      add(a);
      break;
    }
    case ClipEvent::Debris: {
      SceneObject d = make_debris(r, ego_x, e.v0 * 0.8 * T + 3);
      bool big = d.kind == "mattress" || d.kind == "tree_branch" || d.kind == "cargo_box";
      if (big && rd.lanes_ego >= 2) {  // into the adjacent lane, kept clear above
        s.nudge_out_of_lane = true;
        e.nudge_dx = (adj > rd.ego_lane ? 1 : -1) * rd.lane_w * 0.9;
      } else {
        d.x = ego_x + (big ? 1.1 : 0.7);
        e.nudge_dx = -0.9;
      }
      e.nudge_t1 = 0.25 * T;
      e.nudge_t2 = 0.6 * T;
      d.location = "ego_lane";
      add(d);
      break;
    }
    default: break;
  }
  return s;
}

}  // namespace cf::scenegen

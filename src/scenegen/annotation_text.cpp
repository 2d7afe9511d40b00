// Label strings of the Cosmos schema and the generated safety_analysis paragraph.
#include <cmath>
#include <sstream>

#include "scenegen/annotation.h"

namespace cf::scenegen {

std::string weather_label(const SceneSpec& s) { return cosmos_weathers()[static_cast<size_t>(s.weather)]; }

std::string lighting_label(const SceneSpec& s) {
  const auto& l = cosmos_lightings();
  if (s.night) return s.streetlights ? l[4] : l[3];
  if (s.low_contrast) return l[1];
  if (s.weather == Weather::Clear || s.weather == Weather::PartlyCloudy) return l[2];
  return l[0];
}

std::string road_type_label(const SceneSpec& s) {
  const std::string& t = s.road.road_type;
  if (t == "local") return "Local street - low-speed mixed residential/commercial";
  if (t == "collector") return "Collector road - moderate speed with frequent driveways and intersections";
  if (t == "arterial") return "Arterial road - high-capacity through traffic, limited direct access";
  if (t == "one_way") return "One-way urban street";
  if (t == "country") return "Country road";
  return "Highway/freeway";
}

std::string junction_label(const SceneSpec& s) {
  const RoadSpec& rd = s.road;
  const char* ctl = rd.control == Control::Lights     ? "with traffic lights"
                    : rd.control == Control::StopSign ? "controlled by stop signs"
                                                      : "without traffic controls";
  switch (rd.junction) {
    case Junction::Straight: return "Straight segment - uninterrupted roadway with no intersections or turns";
    case Junction::FourWay: return std::string("Four-way intersection - crossing of two roads ") + ctl;
    case Junction::TIntersection: return std::string("T-intersection ") + ctl;
    case Junction::Curve:
      return std::string("Curved road segment turning ") + (rd.curvature > 0 ? "right" : "left") + ", no intersections";
    case Junction::Roundabout: return "Roundabout - circular intersection with yield-controlled entry";
  }
  return "N/A";
}

std::string lane_type_label(const SceneSpec& s) {
  const RoadSpec& rd = s.road;
  static const char* num[] = {"Zero", "One", "Two", "Three", "Four"};
  std::string out;
  if (rd.lanes_opp == 0) out = std::string(num[rd.lanes_ego]) + " lanes, one way street";
  else if (rd.lanes_ego == 1 && rd.lanes_opp == 1) out = "Single lane each direction, no turn lanes";
  else out = std::string(num[rd.lanes_ego]) + " lanes each direction";
  if (rd.bike_lane) out += ", plus a bicycle lane on the right";
  return out;
}

std::string road_conditions_label(const SceneSpec& s) {
  const RoadSpec& rd = s.road;
  std::string out;
  switch (rd.surface) {
    case Surface::Dry: out = "Dry, clean asphalt"; break;
    case Surface::Wet: out = rd.puddles ? "Wet asphalt with puddles" : "Wet asphalt"; break;
    case Surface::Snow: out = "Snow-covered asphalt with packed tire tracks"; break;
  }
  if (rd.snow_sides && rd.surface != Surface::Snow) out += " with snow on the sides of the road";
  if (rd.road_type == "country") out += "; narrow road with gravel shoulders";
  return out;
}

namespace {

std::string lane_phrase(const RoadSpec& rd) {
  if (rd.lanes_ego == 1) return "the right lane";
  if (rd.ego_lane == rd.lanes_ego - 1) return "the rightmost lane";
  if (rd.ego_lane == 0) return "the leftmost lane";
  return "a middle lane";
}

std::string road_short(const RoadSpec& rd) {
  const std::string& t = rd.road_type;
  if (t == "local") return "local street";
  if (t == "collector") return "collector road";
  if (t == "arterial") return "multi-lane arterial road";
  if (t == "one_way") return "one-way street";
  if (t == "country") return "country road";
  return "highway";
}

std::string weather_phrase(Weather w) {
  static const char* p[] = {"in clear weather",      "under partly cloudy skies",
                            "under an overcast sky", "in light rain",
                            "in heavy rain",         "in light snow",
                            "in dense fog"};
  return p[static_cast<int>(w)];
}

std::string side_word(double lateral) { return lateral < 0 ? "left" : "right"; }

}  // namespace

std::string safety_analysis(const SceneSpec& s, const std::vector<const SceneObject*>& vis, bool clip) {
  const RoadSpec& rd = s.road;
  std::ostringstream o;
  std::string motion = rd.junction == Junction::Curve
                           ? std::string("along a curve bending ") + (rd.curvature > 0 ? "right" : "left")
                           : "straight";
  o << "The ego vehicle " << (clip ? "drives " : "is travelling ") << motion << " in " << lane_phrase(rd) << " of a "
    << road_short(rd) << (s.night ? " at night " : " during the day ") << weather_phrase(s.weather) << ".";
  if (rd.surface == Surface::Wet)
    o << " The road surface is wet" << (rd.puddles ? " with puddles" : "") << ", which lengthens braking distances.";
  if (rd.surface == Surface::Snow) o << " The road is covered in snow, so traction is reduced.";
  if (s.weather == Weather::Fog) o << " Visibility is severely reduced by the fog.";
  if (s.night && !s.streetlights) o << " The road is poorly lit, so the headlights provide most of the light.";

  int vehicles = 0, sidewalk_peds = 0, cyclists = 0, cones = 0;
  for (const SceneObject* v : vis) {
    vehicles += v->cls == ObjClass::Car || v->cls == ObjClass::Truck || v->cls == ObjClass::Bus;
    sidewalk_peds += v->cls == ObjClass::Pedestrian && v->location == "sidewalk";
    cyclists += v->cls == ObjClass::Cyclist;
    cones += v->cls == ObjClass::Cone;
  }
  if (vehicles > 0)
    o << " Traffic is "
      << (vehicles >= 6   ? "heavy"
          : vehicles >= 3 ? "moderate"
                          : "light")
      << ", with " << vehicles << (vehicles == 1 ? " other vehicle" : " other vehicles") << " in view.";
  if (sidewalk_peds > 0) o << " Pedestrians are walking on the sidewalk.";
  if (cyclists > 0) o << " A cyclist rides " << (rd.bike_lane ? "in the bike lane" : "along the road edge") << ".";
  if (cones > 0) o << " Traffic cones and a barrier close part of the road for road works.";

  const SceneObject* actor = nullptr;
  for (const SceneObject* v : vis)
    if (v->motion.lat_dx != 0 || v->motion.follow_ego || v->corner_case || v->location == "crosswalk")
      if (!actor || v->corner_case) actor = v;
  switch (s.event) {
    case ClipEvent::PedestrianCrossing:
      o << (s.jaywalk ? " A pedestrian crosses the road ahead away from any crosswalk"
                      : " A pedestrian starts crossing the road at a marked crosswalk ahead")
        << ", so the ego vehicle slows down and comes to a stop to yield.";
      if (s.jaywalk) o << " The pedestrian is jaywalking, which is a traffic violation.";
      break;
    case ClipEvent::CutIn:
      for (const SceneObject* v : vis)
        if (v->motion.lat_dx != 0) {
          o << " A " << v->color_name << " " << describe_kind(*v) << " in the adjacent lane changes into the ego lane "
            << (v->blinker ? "after signalling" : "without signalling")
            << " a short distance ahead; the ego vehicle brakes gently to restore a safe gap.";
          if (!v->blinker) o << " The lane change without a turn signal is a traffic violation.";
        }
      break;
    case ClipEvent::RedLight: {
      o << " The ego vehicle approaches a four-way intersection with a red traffic light and decelerates to a full"
           " stop at the stop line";
      for (const SceneObject* v : vis)
        if (v->motion.follow_ego && v->location == "ego_lane")
          o << ", behind a " << v->color_name << " " << describe_kind(*v);
      o << ".";
      bool cross = false;
      for (const SceneObject* v : vis) cross |= v->location == "cross_road" && v->motion.vx != 0;
      if (cross) o << " Cross traffic passes through the intersection while the ego waits.";
      break;
    }
    case ClipEvent::Following:
      for (const SceneObject* v : vis)
        if (v->motion.follow_ego)
          o << " The ego vehicle follows a " << v->color_name << " " << describe_kind(*v)
            << " in its lane at a steady distance of about " << int(std::round(v->z)) << " metres.";
      break;
    case ClipEvent::Animal:
      if (actor)
        o << " A " << actor->kind << " walks onto the road from the right ahead of the ego vehicle; the ego vehicle "
          << (s.ego.v_min == 0 ? "brakes to a stop" : "brakes and slows to a crawl") << " to avoid hitting it.";
      break;
    case ClipEvent::Debris:
      if (actor)
        o << " A " << describe_kind(*actor) << " lies in the ego lane ahead; the ego vehicle steers "
          << (s.nudge_out_of_lane ? "briefly into the " + side_word(s.ego.nudge_dx) + " lane"
                                  : "slightly within its lane")
          << " to pass it safely.";
      break;
    case ClipEvent::None:
      for (const SceneObject* v : vis) {
        if (!v->corner_case) continue;
        if (v->cls == ObjClass::Debris)
          o << " A " << describe_kind(*v) << " lies on the road in the "
            << (v->location == "ego_lane" ? "ego" : "adjacent") << " lane, an obstacle that must be avoided.";
        else if (v->cls == ObjClass::Animal)
          o << " A " << v->kind << " is standing on the road ahead, an unpredictable hazard.";
        else if (v->cls == ObjClass::Pedestrian) o << " A pedestrian is crossing the road outside a crosswalk.";
      }
      break;
  }
  return o.str();
}

}  // namespace cf::scenegen

#include "search/engine/geo_index.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace ibasho::search {
namespace {

constexpr double kCellDegrees = 0.01;  // about 1.1 km of latitude
constexpr int64_t kLonCells = 36000;   // 360 / kCellDegrees
constexpr size_t kMaxCellsVisited = 4096;
constexpr double kRadiansPerDegree = M_PI / 180;
// A sphere a little smaller than the metric's (6,372,797.6 m), for latitude and longitude reaches
// that never exclude a point the metric accepts.
constexpr double kSmallerEarthM = 6.3e6;
// How far a chord between a float unit vector and an exact one can be from the true chord (each
// coordinate is within 2^-25 of its double value; three of them, with room to spare).
constexpr double kChordError = 2e-7;

int64_t LatCell(double lat) { return static_cast<int64_t>(std::floor((lat + 90) / kCellDegrees)); }
int64_t LonCell(double lon) { return static_cast<int64_t>(std::floor((lon + 180) / kCellDegrees)); }
uint64_t CellKey(int64_t lat_cell, int64_t lon_cell) { return static_cast<uint64_t>(lat_cell * kLonCells + lon_cell); }

}  // namespace

// The tests around one circle. The chord between two points of the unit sphere grows with their
// great-circle distance, so comparing squared chords with the circle's decides every point but
// those within kChordError of its edge, which the metric decides.
class DocumentLocations::Circle {
 public:
  enum class Side { kInside, kOutside, kEdge };

  Circle(const Xapian::LatLongCoord& c, double r) : centre_(c), radius_m_(r) {
    // The latitude difference is at most the angular distance; the longitude bound is that of a
    // circle of this angular radius.
    const double reach = r / kSmallerEarthM;
    lat_reach_ = reach / kRadiansPerDegree;
    const double lat = c.latitude * kRadiansPerDegree;
    const bool lon_bounded = std::abs(lat) + reach < M_PI / 2 - 1e-3;
    lon_reach_ = lon_bounded ? std::asin(std::sin(reach) / std::cos(lat)) / kRadiansPerDegree : 360;

    const double lon = c.longitude * kRadiansPerDegree;
    cx_ = std::cos(lat) * std::cos(lon);
    cy_ = std::cos(lat) * std::sin(lon);
    cz_ = std::sin(lat);
    // The metric's radius, from the metric itself: one degree of the equator.
    const double metric_radius =
        metric_.pointwise_distance(Xapian::LatLongCoord(0, 0), Xapian::LatLongCoord(0, 1)) / kRadiansPerDegree;
    const double chord = 2 * std::sin(std::min(r / metric_radius, M_PI) / 2);
    const double inside = chord * (1 - 1e-9) - kChordError, outside = chord * (1 + 1e-9) + kChordError;
    inside_chord2_ = inside > 0 ? inside * inside : -1;
    outside_chord2_ = outside * outside;
  }

  const Xapian::LatLongCoord& centre() const { return centre_; }
  double lat_reach() const { return lat_reach_; }  // degrees: a point further in latitude is outside
  double lon_reach() const { return lon_reach_; }  // likewise in longitude; 360 when reaching a pole

  Side SideOf(const DocumentLocations::UnitVector& u) const {
    const double dx = u.x - cx_, dy = u.y - cy_, dz = u.z - cz_;
    const double chord2 = dx * dx + dy * dy + dz * dz;
    if (chord2 <= inside_chord2_) return Side::kInside;
    if (!(chord2 <= outside_chord2_)) return Side::kOutside;  // also a NaN: no location
    return Side::kEdge;
  }
  // Whether every point of the cell with these corners (degrees) is surely inside: the point of
  // a latitude-longitude rectangle furthest from the centre is one of its corners.
  bool CellInside(double lat0, double lon0, double lat1, double lon1) const {
    for (const double lat : {lat0, lat1})
      for (const double lon : {lon0, lon1}) {
        const double clat = lat * kRadiansPerDegree, clon = lon * kRadiansPerDegree;
        const double dx = std::cos(clat) * std::cos(clon) - cx_, dy = std::cos(clat) * std::sin(clon) - cy_,
                     dz = std::sin(clat) - cz_;
        if (!(dx * dx + dy * dy + dz * dz <= inside_chord2_)) return false;
      }
    return true;
  }
  // The metric's answer, for a point on the edge.
  bool MetricContains(const DocumentLocations::Point& p) const {
    return metric_.pointwise_distance(centre_, Xapian::LatLongCoord(p.lat, p.lon)) <= radius_m_;
  }
  // u is p as a unit vector.
  bool Contains(const DocumentLocations::UnitVector& u, const DocumentLocations::Point& p) const {
    const Side side = SideOf(u);
    return side == Side::kInside || (side == Side::kEdge && MetricContains(p));
  }

 private:
  Xapian::LatLongCoord centre_;
  double radius_m_;
  double lat_reach_, lon_reach_;
  double cx_, cy_, cz_;  // the centre as a unit vector
  double inside_chord2_, outside_chord2_;
  Xapian::GreatCircleMetric metric_;
};

DocumentLocations::Point DocumentLocations::FromValue(const std::string& value) {
  if (value.empty()) return kNowhere;
  Xapian::LatLongCoords coords;
  coords.unserialise(value);
  if (coords.begin() == coords.end()) return kNowhere;
  const Xapian::LatLongCoord& c = *coords.begin();
  return {c.latitude, c.longitude};
}

DocumentLocations::UnitVector DocumentLocations::ToUnitVector(const Point& p) {
  if (std::isnan(p.lat)) return {std::numeric_limits<float>::quiet_NaN(), 0, 0};
  const double lat = p.lat * kRadiansPerDegree, lon = p.lon * kRadiansPerDegree;
  return {static_cast<float>(std::cos(lat) * std::cos(lon)), static_cast<float>(std::cos(lat) * std::sin(lon)),
          static_cast<float>(std::sin(lat))};
}

DocumentLocations::Base::Base(std::vector<Point> p) : points(std::move(p)) {
  units.reserve(points.size());
  for (const Point& point : points) units.push_back(ToUnitVector(point));
  std::vector<std::pair<uint64_t, Xapian::docid>> located;
  for (Xapian::docid id = 0; id < points.size(); ++id)
    if (!std::isnan(points[id].lat))
      located.emplace_back(CellKey(LatCell(points[id].lat), LonCell(points[id].lon)), id);
  std::sort(located.begin(), located.end());
  grid.docs.reserve(located.size());
  grid.units.reserve(located.size());
  for (size_t i = 0; i < located.size(); ++i) {
    if (i == 0 || located[i].first != located[i - 1].first) {
      grid.keys.push_back(located[i].first);
      grid.starts.push_back(static_cast<uint32_t>(i));
    }
    grid.docs.push_back(located[i].second);
    grid.units.push_back(units[located[i].second]);  // read in cell order, without a jump per document
  }
  grid.starts.push_back(static_cast<uint32_t>(located.size()));
}

size_t DocumentLocations::Base::MemoryBytes() const {
  return points.size() * (sizeof(Point) + sizeof(UnitVector)) + grid.MemoryBytes();
}

DocumentLocations::DocumentLocations(std::vector<Point> points)
    : base_(std::make_shared<const Base>(std::move(points))), size_(base_->points.size()) {}

const DocumentLocations::Changed* DocumentLocations::FindChanged(Xapian::docid id) const {
  if (!changed_ids_.Contains(id)) return nullptr;
  auto it = std::lower_bound(changed_.begin(), changed_.end(), id,
                             [](const Changed& c, Xapian::docid i) { return c.id < i; });
  return &*it;
}

DocumentLocations::Point DocumentLocations::At(Xapian::docid id) const {
  if (const Changed* c = FindChanged(id)) return c->point;
  return id < base_->points.size() ? base_->points[id] : kNowhere;
}

std::shared_ptr<const DocumentLocations> DocumentLocations::WithChanges(
    const std::vector<std::pair<Xapian::docid, Point>>& changes) const {
  auto copy = std::make_shared<DocumentLocations>(*this);
  std::vector<Changed> now;  // the later of two changes to one id wins
  for (const auto& [id, point] : changes) {
    now.push_back({id, point, ToUnitVector(point)});
    copy->size_ = std::max<size_t>(copy->size_, size_t{id} + 1);
  }
  std::stable_sort(now.begin(), now.end(), [](const Changed& a, const Changed& b) { return a.id < b.id; });
  std::vector<Changed> merged;
  merged.reserve(changed_.size() + now.size());
  size_t i = 0, j = 0;
  while (i < changed_.size() || j < now.size()) {
    if (j == now.size() || (i < changed_.size() && changed_[i].id < now[j].id)) {
      merged.push_back(changed_[i++]);
      continue;
    }
    if (i < changed_.size() && changed_[i].id == now[j].id) ++i;  // replaced
    while (j + 1 < now.size() && now[j + 1].id == now[j].id) ++j;
    merged.push_back(now[j++]);
  }
  if (merged.size() > std::max<size_t>(1024, copy->size_ / 64)) {
    std::vector<Point> points = base_->points;
    points.resize(copy->size_, kNowhere);
    for (const Changed& c : merged) points[c.id] = c.point;
    copy->base_ = std::make_shared<const Base>(std::move(points));
    copy->changed_.clear();
    copy->changed_ids_ = DocSet();
    return copy;
  }
  copy->changed_ = std::move(merged);
  copy->changed_ids_ = DocSet(static_cast<Xapian::docid>(copy->size_));
  for (const Changed& c : copy->changed_) copy->changed_ids_.Add(c.id);
  return copy;
}

size_t DocumentLocations::Grid::MemoryBytes() const {
  return keys.size() * sizeof(uint64_t) + starts.size() * sizeof(uint32_t) + docs.size() * sizeof(Xapian::docid) +
         units.size() * sizeof(UnitVector);
}

size_t DocumentLocations::MemoryBytes() const {
  return base_->MemoryBytes() + changed_.size() * sizeof(Changed) + changed_ids_.MemoryBytes();
}

size_t DocumentLocations::MemoryBytesBeside(const DocumentLocations& other) const {
  return MemoryBytes() - (base_ == other.base_ ? base_->MemoryBytes() : 0);
}

bool DocumentLocations::Contains(const Circle& circle, Xapian::docid id) const {
  if (const Changed* c = FindChanged(id)) return circle.Contains(c->unit, c->point);
  return id < base_->points.size() && circle.Contains(base_->units[id], base_->points[id]);
}

std::optional<std::vector<DocumentLocations::CellSpan>> DocumentLocations::CellsAround(const Circle& circle,
                                                                                       size_t max_documents) const {
  const Xapian::LatLongCoord& centre = circle.centre();
  const int64_t lat0 = LatCell(centre.latitude - circle.lat_reach()),
                lat1 = LatCell(centre.latitude + circle.lat_reach());
  const int64_t lon0 = LonCell(centre.longitude - circle.lon_reach()),
                lon1 = LonCell(centre.longitude + circle.lon_reach());
  const bool grid_usable = circle.lon_reach() < 180 && centre.longitude - circle.lon_reach() > -180 &&
                           centre.longitude + circle.lon_reach() < 180 &&
                           static_cast<size_t>((lat1 - lat0 + 1) * (lon1 - lon0 + 1)) <= kMaxCellsVisited;
  if (!grid_usable) return std::nullopt;
  std::vector<CellSpan> spans;
  size_t in_cells = 0;
  const Grid& grid = base_->grid;
  const auto& keys = grid.keys;
  for (int64_t i = lat0; i <= lat1; ++i) {
    for (auto k = std::lower_bound(keys.begin(), keys.end(), CellKey(i, lon0));
         k != keys.end() && *k <= CellKey(i, lon1); ++k) {
      const size_t at = static_cast<size_t>(k - keys.begin());
      const double cell_lat = static_cast<double>(i) * kCellDegrees - 90;
      const double cell_lon = static_cast<double>(*k % kLonCells) * kCellDegrees - 180;
      spans.push_back({grid.starts[at], grid.starts[at + 1],
                       circle.CellInside(cell_lat, cell_lon, cell_lat + kCellDegrees, cell_lon + kCellDegrees)});
      in_cells += grid.starts[at + 1] - grid.starts[at];
      if (in_cells >= max_documents) return std::nullopt;
    }
  }
  return spans;
}

DocSet DocumentLocations::Within(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) const {
  DocSet out(within.max_docid());
  if (within.Empty()) return out;
  const Circle circle(centre, radius_m);
  const auto spans = CellsAround(circle, within.Count());
  if (!spans) {
    within.ForEach([&](Xapian::docid id) {
      if (Contains(circle, id)) out.Add(id);
    });
    return out;
  }
  // Every document of the grid in the circle, without a branch for most, then the candidates
  // among them; documents changed since the grid was built are taken from where they are now.
  const Xapian::docid max_docid = within.max_docid();
  const Grid& grid = base_->grid;
  for (const CellSpan& span : *spans) {
    for (uint32_t k = span.begin; k < span.end; ++k) {
      const Xapian::docid id = grid.docs[k];
      if (id > max_docid) continue;  // added after within was made
      const Circle::Side side = span.inside ? Circle::Side::kInside : circle.SideOf(grid.units[k]);
      if (side == Circle::Side::kEdge) {
        if (circle.MetricContains(base_->points[id])) out.Add(id);
      } else {
        out.AddIf(id, side == Circle::Side::kInside);
      }
    }
  }
  out.IntersectWith(within);
  for (const Changed& c : changed_) {
    out.Remove(c.id);
    if (within.Contains(c.id) && circle.Contains(c.unit, c.point)) out.Add(c.id);
  }
  return out;
}

bool DocumentLocations::AnyWithin(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) const {
  if (within.Empty()) return false;
  const Circle circle(centre, radius_m);
  const auto spans = CellsAround(circle, within.Count());
  if (!spans) {
    for (Xapian::docid id = within.NextFrom(1); id != 0; id = within.NextFrom(id + 1))
      if (Contains(circle, id)) return true;
    return false;
  }
  for (const Changed& c : changed_)
    if (within.Contains(c.id) && circle.Contains(c.unit, c.point)) return true;
  const Grid& grid = base_->grid;
  for (const CellSpan& span : *spans) {
    for (uint32_t k = span.begin; k < span.end; ++k) {
      const Xapian::docid id = grid.docs[k];
      if (!within.Contains(id)) continue;
      const Circle::Side side = span.inside ? Circle::Side::kInside : circle.SideOf(grid.units[k]);
      if (side == Circle::Side::kOutside || (side == Circle::Side::kEdge && !circle.MetricContains(base_->points[id])))
        continue;
      if (!changed_ids_.Contains(id)) return true;
    }
  }
  return false;
}

}  // namespace ibasho::search

#include "search/geo_index.h"

#include <algorithm>
#include <cmath>

namespace ibasho::search {
namespace {

constexpr double kCellDegrees = 0.01;  // about 1.1 km of latitude
constexpr int64_t kLonCells = 36000;   // 360 / kCellDegrees
constexpr size_t kMaxCellsVisited = 4096;
constexpr double kRadiansPerDegree = M_PI / 180;
// Spheres a little smaller and larger than the metric's (6,372,797.6 m), for bounds that never
// exclude a point the metric accepts, nor include one it rejects.
constexpr double kSmallerEarthM = 6.3e6, kLargerEarthM = 6.4e6;

int64_t LatCell(double lat) { return static_cast<int64_t>(std::floor((lat + 90) / kCellDegrees)); }
int64_t LonCell(double lon) { return static_cast<int64_t>(std::floor((lon + 180) / kCellDegrees)); }
uint64_t CellKey(int64_t lat_cell, int64_t lon_cell) { return static_cast<uint64_t>(lat_cell * kLonCells + lon_cell); }

// The cheap tests around one circle.
struct Circle {
  Xapian::LatLongCoord centre;
  double radius_m;
  double lat_reach;         // degrees: a point further in latitude alone is outside
  double lon_reach;         // degrees: likewise in longitude; 360 when the circle reaches a pole
  double cos_lat_max;       // the largest cos(latitude) of a point within lat_reach
  double inside_if_within;  // radians: |Δlat| + cos_lat_max·|Δlon| at most this is surely inside
  Xapian::GreatCircleMetric metric;

  Circle(const Xapian::LatLongCoord& c, double r) : centre(c), radius_m(r) {
    // The latitude difference is at most the angular distance; the longitude bound is that of a
    // circle of this angular radius.
    const double angle = r / kSmallerEarthM;
    lat_reach = angle / kRadiansPerDegree;
    const double lat = c.latitude * kRadiansPerDegree;
    const bool lon_bounded = std::abs(lat) + angle < M_PI / 2 - 1e-3;
    lon_reach = lon_bounded ? std::asin(std::sin(angle) / std::cos(lat)) / kRadiansPerDegree : 360;
    const double nearest_equator = std::max(0.0, std::abs(c.latitude) - lat_reach);
    cos_lat_max = std::cos(nearest_equator * kRadiansPerDegree);
    // Going along the meridian, then along the point's parallel, is a path at least as long as
    // the great circle: R·(|Δlat| + cos(lat)·|Δlon|) bounds the distance from above.
    inside_if_within = r * (1 - 1e-9) / kLargerEarthM;
  }

  static double LonDistance(double a, double b) {
    double d = std::abs(a - b);
    return d > 180 ? 360 - d : d;
  }
  // Whether every point with these differences from the centre (degrees) is inside.
  bool SurelyInside(double dlat, double dlon) const {
    return (dlat + cos_lat_max * dlon) * kRadiansPerDegree <= inside_if_within;
  }
  bool Contains(const DocumentLocations::Point& p) const {
    const double dlat = std::abs(p.lat - centre.latitude);
    if (!(dlat <= lat_reach)) return false;  // also rules out NaN (no location)
    const double dlon = LonDistance(p.lon, centre.longitude);
    if (dlon > lon_reach) return false;
    if (SurelyInside(dlat, dlon)) return true;
    return metric.pointwise_distance(centre, Xapian::LatLongCoord(p.lat, p.lon)) <= radius_m;
  }
};

}  // namespace

DocumentLocations::Point DocumentLocations::FromValue(const std::string& value) {
  if (value.empty()) return kNowhere;
  Xapian::LatLongCoords coords;
  coords.unserialise(value);
  if (coords.begin() == coords.end()) return kNowhere;
  const Xapian::LatLongCoord& c = *coords.begin();
  return {c.latitude, c.longitude};
}

DocumentLocations::DocumentLocations(std::vector<Point> points)
    : points_(std::move(points)), grid_(BuildGrid(points_)) {}

std::shared_ptr<const DocumentLocations::Grid> DocumentLocations::BuildGrid(const std::vector<Point>& points) {
  std::vector<std::pair<uint64_t, Xapian::docid>> located;
  for (Xapian::docid id = 0; id < points.size(); ++id)
    if (!std::isnan(points[id].lat))
      located.emplace_back(CellKey(LatCell(points[id].lat), LonCell(points[id].lon)), id);
  std::sort(located.begin(), located.end());
  auto grid = std::make_shared<Grid>();
  grid->docs.reserve(located.size());
  grid->points.reserve(located.size());
  for (size_t i = 0; i < located.size(); ++i) {
    if (i == 0 || located[i].first != located[i - 1].first) {
      grid->keys.push_back(located[i].first);
      grid->starts.push_back(static_cast<uint32_t>(i));
    }
    grid->docs.push_back(located[i].second);
    grid->points.push_back(points[located[i].second]);  // read in cell order, without a jump per document
  }
  grid->starts.push_back(static_cast<uint32_t>(located.size()));
  return grid;
}

std::shared_ptr<const DocumentLocations> DocumentLocations::WithChanges(
    const std::vector<std::pair<Xapian::docid, Point>>& changes) const {
  auto copy = std::make_shared<DocumentLocations>(*this);
  std::vector<Xapian::docid>& unindexed = copy->unindexed_;
  for (const auto& [id, point] : changes) {
    if (id >= copy->points_.size()) copy->points_.resize(id + 1, kNowhere);
    copy->points_[id] = point;
    unindexed.push_back(id);
  }
  std::sort(unindexed.begin(), unindexed.end());
  unindexed.erase(std::unique(unindexed.begin(), unindexed.end()), unindexed.end());
  if (unindexed.size() > std::max<size_t>(1024, copy->points_.size() / 64)) {
    copy->grid_ = BuildGrid(copy->points_);
    unindexed.clear();
  }
  return copy;
}

size_t DocumentLocations::Grid::MemoryBytes() const {
  return keys.size() * sizeof(uint64_t) + starts.size() * sizeof(uint32_t) + docs.size() * sizeof(Xapian::docid) +
         points.size() * sizeof(Point);
}

size_t DocumentLocations::MemoryBytes() const {
  return points_.size() * sizeof(Point) + grid_->MemoryBytes() + unindexed_.size() * sizeof(Xapian::docid);
}

DocSet DocumentLocations::Within(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) const {
  DocSet out(within.max_docid());
  ForEachWithin(centre, radius_m, within, [&](Xapian::docid id) {
    out.Add(id);
    return true;
  });
  return out;
}

bool DocumentLocations::AnyWithin(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) const {
  bool any = false;
  ForEachWithin(centre, radius_m, within, [&](Xapian::docid) {
    any = true;
    return false;
  });
  return any;
}

template <typename F>
void DocumentLocations::ForEachWithin(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within,
                                      F&& found) const {
  if (within.Empty()) return;
  const Circle circle(centre, radius_m);
  auto contains = [&](Xapian::docid id) { return id < points_.size() && circle.Contains(points_[id]); };

  // The cells around the circle, when they are few, do not wrap around ±180° and hold fewer
  // documents than within: visit those, taking whole cells that are surely inside.
  const int64_t lat0 = LatCell(centre.latitude - circle.lat_reach), lat1 = LatCell(centre.latitude + circle.lat_reach);
  const int64_t lon0 = LonCell(centre.longitude - circle.lon_reach),
                lon1 = LonCell(centre.longitude + circle.lon_reach);
  const bool grid_usable = circle.lon_reach < 180 && centre.longitude - circle.lon_reach > -180 &&
                           centre.longitude + circle.lon_reach < 180 &&
                           static_cast<size_t>((lat1 - lat0 + 1) * (lon1 - lon0 + 1)) <= kMaxCellsVisited;
  struct Span {
    uint32_t begin, end;
    bool inside;
  };
  std::vector<Span> spans;
  size_t in_cells = 0;
  if (grid_usable) {
    for (int64_t i = lat0; i <= lat1; ++i) {
      const auto& keys = grid_->keys;
      auto k = std::lower_bound(keys.begin(), keys.end(), CellKey(i, lon0));
      for (; k != keys.end() && *k <= CellKey(i, lon1); ++k) {
        const size_t at = static_cast<size_t>(k - keys.begin());
        const int64_t j = static_cast<int64_t>(*k % kLonCells);
        const double cell_lat = static_cast<double>(i) * kCellDegrees - 90;
        const double cell_lon = static_cast<double>(j) * kCellDegrees - 180;
        const double dlat =
            std::max(std::abs(cell_lat - centre.latitude), std::abs(cell_lat + kCellDegrees - centre.latitude));
        const double dlon = std::max(Circle::LonDistance(cell_lon, centre.longitude),
                                     Circle::LonDistance(cell_lon + kCellDegrees, centre.longitude));
        spans.push_back({grid_->starts[at], grid_->starts[at + 1], circle.SurelyInside(dlat, dlon)});
        in_cells += grid_->starts[at + 1] - grid_->starts[at];
      }
    }
  }
  if (!grid_usable || in_cells >= within.Count()) {
    for (Xapian::docid id = within.NextFrom(1); id != 0; id = within.NextFrom(id + 1))
      if (contains(id) && !found(id)) return;
    return;
  }
  DocSet changed(within.max_docid());
  for (Xapian::docid id : unindexed_) {
    if (!within.Contains(id)) continue;
    changed.Add(id);
    if (contains(id) && !found(id)) return;
  }
  for (const Span& span : spans) {
    for (uint32_t k = span.begin; k < span.end; ++k) {
      const Xapian::docid id = grid_->docs[k];
      if (!within.Contains(id) || changed.Contains(id)) continue;
      if ((span.inside || circle.Contains(grid_->points[k])) && !found(id)) return;
    }
  }
}

}  // namespace ibasho::search

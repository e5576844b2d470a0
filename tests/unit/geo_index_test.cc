#include "search/engine/geo_index.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace ibasho::search {
namespace {

using Point = DocumentLocations::Point;

// What Xapian's distance posting source would accept: every member within radius by its metric.
std::vector<Xapian::docid> BruteForce(const std::vector<Point>& points, const Xapian::LatLongCoord& centre,
                                      double radius_m, const DocSet& within) {
  std::vector<Xapian::docid> out;
  const Xapian::GreatCircleMetric metric;
  within.ForEach([&](Xapian::docid id) {
    if (id >= points.size() || std::isnan(points[id].lat)) return;
    if (metric.pointwise_distance(centre, Xapian::LatLongCoord(points[id].lat, points[id].lon)) <= radius_m)
      out.push_back(id);
  });
  return out;
}

std::vector<Xapian::docid> Members(const DocSet& s) {
  std::vector<Xapian::docid> out;
  s.ForEach([&](Xapian::docid id) { out.push_back(id); });
  return out;
}

// Points clustered around a few Tokyo-area centres, some without a location.
std::vector<Point> Cluster(size_t n, std::mt19937& rng) {
  const Point centres[] = {{35.7356, 139.6517}, {35.7437, 139.6063}, {35.4437, 139.6380}, {35.6895, 139.6917}};
  std::uniform_real_distribution<double> offset(-0.06, 0.06);
  std::vector<Point> points(n + 1, DocumentLocations::kNowhere);
  for (size_t id = 1; id <= n; ++id) {
    if (id % 17 == 0) continue;
    const Point& c = centres[id % 4];
    points[id] = {c.lat + offset(rng), c.lon + offset(rng)};
  }
  return points;
}

struct Circle {
  double lat, lon, radius_m;
};
const std::vector<Circle> kCircles = {
    {35.7356, 139.6517, 50}, {35.7356, 139.6517, 1500}, {35.7437, 139.6063, 3000},  {35.4437, 139.6380, 5000},
    {35.70, 139.65, 20000},  {35.70, 139.65, 400000},   {35.7356, 139.6517, 2.1e7}, {-33.87, 151.21, 3000},
    {89.99, 0, 100000},      {35.7, 179.999, 50000},    {35.7356, 139.6517, 0.5},
};

TEST(DocumentLocations, WithinEqualsTheMetricOnEveryCircleTable) {
  std::mt19937 rng(7);
  const std::vector<Point> points = Cluster(20000, rng);
  const DocumentLocations locations(points);
  const DocSet all = DocSet::All(static_cast<Xapian::docid>(points.size() - 1));
  DocSet some(all.max_docid());  // a small candidate set takes the other path
  for (Xapian::docid id = 1; id <= all.max_docid(); id += 97) some.Add(id);
  int nonempty = 0;
  for (const auto& c : kCircles) {
    const Xapian::LatLongCoord centre(c.lat, c.lon);
    for (const DocSet* within : {&all, static_cast<const DocSet*>(&some)}) {
      const auto want = BruteForce(points, centre, c.radius_m, *within);
      EXPECT_EQ(Members(locations.Within(centre, c.radius_m, *within)), want)
          << c.lat << "," << c.lon << " within " << c.radius_m << " m of " << within->Count();
      EXPECT_EQ(locations.AnyWithin(centre, c.radius_m, *within), !want.empty());
      nonempty += !want.empty();
    }
  }
  EXPECT_GT(nonempty, 8);
}

// The point at distance_m from centre along bearing (radians from north), on the metric's sphere.
Point Destination(const Point& centre, double bearing, double distance_m) {
  const double earth =
      Xapian::GreatCircleMetric().pointwise_distance(Xapian::LatLongCoord(0, 0), Xapian::LatLongCoord(0, 1)) * 180 /
      M_PI;
  const double a = distance_m / earth, lat = centre.lat * M_PI / 180, lon = centre.lon * M_PI / 180;
  const double lat2 = std::asin(std::sin(lat) * std::cos(a) + std::cos(lat) * std::sin(a) * std::cos(bearing));
  const double lon2 =
      lon + std::atan2(std::sin(bearing) * std::sin(a) * std::cos(lat), std::cos(a) - std::sin(lat) * std::sin(lat2));
  return {lat2 * 180 / M_PI, lon2 * 180 / M_PI};
}

TEST(DocumentLocations, PointsOnTheEdgeOfTheCircleAreDecidedByTheMetric) {
  // Points a few millimetres to a few metres either side of the circle, all around it: the chord
  // test leaves these to the metric, whose answer Within() must give.
  const Point centre{35.7356, 139.6517};
  std::mt19937 rng(5);
  std::uniform_real_distribution<double> bearing(0, 2 * M_PI);
  for (double radius : {40.0, 3000.0, 25000.0}) {
    std::vector<Point> points(1, DocumentLocations::kNowhere);
    for (double off : {-3.0, -0.6, -0.01, -1e-6, 0.0, 1e-6, 0.01, 0.6, 3.0})
      for (int k = 0; k < 200; ++k) points.push_back(Destination(centre, bearing(rng), radius + off));
    for (int k = 0; k < 2000; ++k) points.push_back(Destination(centre, bearing(rng), radius * k / 2000.0));
    const DocumentLocations locations(points);
    const DocSet all = DocSet::All(static_cast<Xapian::docid>(points.size() - 1));
    const Xapian::LatLongCoord at(centre.lat, centre.lon);
    const auto want = BruteForce(points, at, radius, all);
    EXPECT_EQ(Members(locations.Within(at, radius, all)), want) << radius;
    EXPECT_GT(want.size(), 2000u);
    EXPECT_LT(want.size(), points.size() - 600);
  }
}

TEST(DocumentLocations, ChangedPointsAreFoundWhereTheyAreNow) {
  std::mt19937 rng(11);
  std::vector<Point> points = Cluster(5000, rng);
  auto locations = std::make_shared<const DocumentLocations>(points);
  // Moves, removals and new documents, in rounds; the last rounds force a new grid.
  std::uniform_int_distribution<Xapian::docid> any_id(1, 5200);
  std::uniform_real_distribution<double> offset(-0.05, 0.05);
  for (int round = 0; round < 6; ++round) {
    std::vector<std::pair<Xapian::docid, Point>> changes;
    for (int k = 0; k < (round < 3 ? 40 : 700); ++k) {
      const Xapian::docid id = any_id(rng);
      const Point p = k % 5 == 0 ? DocumentLocations::kNowhere : Point{35.7356 + offset(rng), 139.6517 + offset(rng)};
      changes.emplace_back(id, p);
      if (id >= points.size()) points.resize(id + 1, DocumentLocations::kNowhere);
      points[id] = p;
    }
    locations = locations->WithChanges(changes);
    ASSERT_EQ(locations->size(), points.size());
    for (Xapian::docid id = 0; id < points.size(); ++id) {
      const Point at = locations->At(id);
      ASSERT_TRUE((std::isnan(at.lat) && std::isnan(points[id].lat)) ||
                  (at.lat == points[id].lat && at.lon == points[id].lon))
          << "round " << round << " doc " << id;
    }
    const DocSet all = DocSet::All(static_cast<Xapian::docid>(points.size() - 1));
    DocSet changed_only(all.max_docid());  // the documents kept aside, and a few more
    for (const auto& [id, point] : changes) changed_only.Add(id);
    changed_only.Add(1);
    for (double radius : {30.0, 300.0, 2000.0, 6000.0}) {
      const Xapian::LatLongCoord centre(35.7356, 139.6517);
      for (const DocSet* within : {&all, static_cast<const DocSet*>(&changed_only)}) {
        const auto want = BruteForce(points, centre, radius, *within);
        EXPECT_EQ(Members(locations->Within(centre, radius, *within)), want)
            << "round " << round << " radius " << radius << " of " << within->Count();
        EXPECT_EQ(locations->AnyWithin(centre, radius, *within), !want.empty())
            << "round " << round << " radius " << radius << " of " << within->Count();
      }
    }
  }
}

TEST(DocumentLocations, CopiesWithFewChangesShareTheirPoints) {
  std::mt19937 rng(3);
  const auto original = std::make_shared<const DocumentLocations>(Cluster(20000, rng));
  const auto changed = original->WithChanges({{5, Point{35.7, 139.6}}, {20001, Point{35.71, 139.61}}});
  EXPECT_EQ(changed->size(), 20002u);
  EXPECT_EQ(changed->At(5).lat, 35.7);
  EXPECT_LT(changed->MemoryBytesBeside(*original), original->MemoryBytes() / 10);
  const DocumentLocations unrelated(Cluster(20000, rng));
  EXPECT_EQ(unrelated.MemoryBytesBeside(*original), unrelated.MemoryBytes());
}

}  // namespace
}  // namespace ibasho::search

// DocumentLocations: where each document of an index revision is, with a grid of cells over the
// points, so that the documents within a distance of a point are found by visiting the cells
// around it rather than every candidate. Distances are Xapian::GreatCircleMetric()'s, so the
// result is what Xapian::LatLongDistancePostingSource would accept.
//
// Immutable once made; copies made by WithChanges() share the grid. Thread-safe for reads.
#ifndef IBASHO_SEARCH_GEO_INDEX_H_
#define IBASHO_SEARCH_GEO_INDEX_H_

#include <xapian.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "search/doc_set.h"

namespace ibasho::search {

class DocumentLocations {
 public:
  struct Point {
    double lat, lon;  // degrees; a NaN latitude for a document without a location
  };
  static constexpr Point kNowhere{std::numeric_limits<double>::quiet_NaN(), 0};

  // The point of a serialised Xapian::LatLongCoords value (its first coordinate; the index holds
  // one per activity), or kNowhere.
  static Point FromValue(const std::string& value);

  // points[id] is where document id is (index 0 unused).
  explicit DocumentLocations(std::vector<Point> points);

  // A copy where each (id, point) of changes, applied in order, replaces a document's point
  // (kNowhere for a removed one); ids may go beyond the current ones. Changed documents are
  // checked one by one until they are many, when the copy gets a new grid.
  std::shared_ptr<const DocumentLocations> WithChanges(
      const std::vector<std::pair<Xapian::docid, Point>>& changes) const;

  // The members of within at most radius_m metres from centre.
  DocSet Within(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) const;
  // Whether Within() would not be empty (stops at the first member found).
  bool AnyWithin(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) const;

  const std::vector<Point>& points() const { return points_; }
  size_t MemoryBytes() const;

 private:
  // Documents by cell (kCellDegrees squares of latitude and longitude), in key order.
  struct Grid {
    std::vector<uint64_t> keys;    // the cells that hold documents, ascending
    std::vector<uint32_t> starts;  // docs[starts[k], starts[k + 1]) are in cell keys[k]
    std::vector<Xapian::docid> docs;
    std::vector<Point> points;  // points[k] is where docs[k] was when the grid was built
    size_t MemoryBytes() const;
  };
  // Calls found(id) for the members of within at most radius_m metres from centre, until it
  // returns false; in no particular order.
  template <typename F>
  void ForEachWithin(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within, F&& found) const;
  static std::shared_ptr<const Grid> BuildGrid(const std::vector<Point>& points);

  std::vector<Point> points_;
  std::shared_ptr<const Grid> grid_;
  std::vector<Xapian::docid> unindexed_;  // sorted, unique: changed since the grid was built
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_GEO_INDEX_H_

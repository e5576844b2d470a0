// DocumentLocations: where each document of an index revision is, with a grid of cells over the
// points, so that the documents within a distance of a point are found by visiting the cells
// around it rather than every candidate. Distances are Xapian::GreatCircleMetric()'s, so the
// result is what Xapian::LatLongDistancePostingSource would accept. Points are also kept as unit
// vectors: the straight-line (chord) distance decides all but the points within about a metre of
// the circle, which the metric decides.
//
// Immutable once made; copies made by WithChanges() share the points and the grid. Thread-safe
// for reads.
#ifndef IBASHO_SEARCH_ENGINE_GEO_INDEX_H_
#define IBASHO_SEARCH_ENGINE_GEO_INDEX_H_

#include <xapian.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "search/engine/doc_set.h"

namespace ibasho::search {

class DocumentLocations {
 public:
  struct Point {
    double lat, lon;  // degrees; a NaN latitude for a document without a location
  };
  static constexpr Point kNowhere{std::numeric_limits<double>::quiet_NaN(), 0};
  // A point on the unit sphere (x towards 0°N 0°E, z towards the north pole); x is NaN for
  // kNowhere. Floats: within 2^-25 of each exact coordinate.
  struct UnitVector {
    float x, y, z;
  };
  static UnitVector ToUnitVector(const Point& p);

  // The point of a serialised Xapian::LatLongCoords value (its first coordinate; the index holds
  // one per activity), or kNowhere.
  static Point FromValue(const std::string& value);

  // points[id] is where document id is (index 0 unused).
  explicit DocumentLocations(std::vector<Point> points);

  // A copy where each (id, point) of changes, applied in order, replaces a document's point
  // (kNowhere for a removed one); ids may go beyond the current ones. The copy shares the points
  // and grid with this one and keeps the changed documents aside (a commit costs what it changes,
  // not the number of documents), until they are many, when it builds its own.
  std::shared_ptr<const DocumentLocations> WithChanges(
      const std::vector<std::pair<Xapian::docid, Point>>& changes) const;

  // The members of within at most radius_m metres from centre.
  DocSet Within(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) const;
  // Whether Within() would not be empty (stops at the first member found).
  bool AnyWithin(const Xapian::LatLongCoord& centre, double radius_m, const DocSet& within) const;

  // Where document id is (kNowhere beyond the known ids).
  Point At(Xapian::docid id) const;
  // One more than the highest id known.
  size_t size() const { return size_; }
  size_t MemoryBytes() const;
  // The memory this takes beyond what it shares with other (a copy made by WithChanges() or the
  // one it was made from).
  size_t MemoryBytesBeside(const DocumentLocations& other) const;

 private:
  // Documents by cell (kCellDegrees squares of latitude and longitude), in key order.
  struct Grid {
    std::vector<uint64_t> keys;    // the cells that hold documents, ascending
    std::vector<uint32_t> starts;  // docs[starts[k], starts[k + 1]) are in cell keys[k]
    std::vector<Xapian::docid> docs;
    std::vector<UnitVector> units;  // units[k] is where docs[k] was when the grid was built
    size_t MemoryBytes() const;
  };
  class Circle;  // the distance tests around one circle
  // A run of grid documents in one cell; inside when the whole cell is inside the circle.
  struct CellSpan {
    uint32_t begin, end;
    bool inside;
  };
  // The cells to visit for a search within at most max_documents candidates, or nothing when
  // visiting the candidates one by one is cheaper (or the circle is too large for the grid).
  std::optional<std::vector<CellSpan>> CellsAround(const Circle& circle, size_t max_documents) const;
  bool Contains(const Circle& circle, Xapian::docid id) const;
  // Every document's point, as unit vectors too, and the grid over them: shared by copies.
  struct Base {
    std::vector<Point> points;  // points[id] is where document id is (index 0 unused)
    std::vector<UnitVector> units;
    Grid grid;
    explicit Base(std::vector<Point> p);
    size_t MemoryBytes() const;
  };
  // Documents changed since base_ was built (ids may be beyond its points), with where they are.
  struct Changed {
    Xapian::docid id;
    Point point;
    UnitVector unit;
  };
  const Changed* FindChanged(Xapian::docid id) const;

  std::shared_ptr<const Base> base_;
  std::vector<Changed> changed_;  // sorted by id, unique
  DocSet changed_ids_;            // the ids of changed_, for a quick test
  size_t size_ = 0;
};

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_ENGINE_GEO_INDEX_H_

// core/thread_pool: every item once, per-worker indexes unique among those running, the
// first exception rethrown, nested batches and tasks not waiting for ever.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/thread_pool.h"

using jp::ThreadPool;

TEST_CASE("thread pool: each item once, worker indexes within the pool") {
  for (unsigned threads : {1u, 2u, 4u}) {
    ThreadPool pool(threads);
    CHECK(pool.size() == threads);
    for (size_t n : {size_t(0), size_t(1), size_t(2), size_t(1000)}) {
      std::vector<std::atomic<int>> seen(n);
      std::atomic<unsigned> max_worker{0};
      pool.for_each(n, [&](size_t i, unsigned worker) {
        ++seen[i];
        unsigned m = max_worker;
        while (worker > m && !max_worker.compare_exchange_weak(m, worker)) {
        }
      });
      for (size_t i = 0; i < n; ++i) CHECK(seen[i] == 1);
      CHECK(max_worker < threads);
    }
  }
}

TEST_CASE("thread pool: per-worker state is never shared by two threads at once") {
  ThreadPool pool(4);
  std::vector<std::atomic<int>> busy(pool.size());
  std::atomic<int> clashes{0};
  pool.for_each(2000, [&](size_t, unsigned worker) {
    if (busy[worker]++ != 0) ++clashes;
    std::this_thread::yield();
    --busy[worker];
  });
  CHECK(clashes == 0);
}

TEST_CASE("thread pool: a pool of one runs in the caller's thread, in order") {
  ThreadPool pool(1);
  std::vector<size_t> order;
  auto me = std::this_thread::get_id();
  bool same = true;
  pool.for_each(5, [&](size_t i, unsigned) {
    order.push_back(i);
    same = same && std::this_thread::get_id() == me;
  });
  CHECK(order == std::vector<size_t>{0, 1, 2, 3, 4});
  CHECK(same);
  CHECK(pool.submit([] { return 42; }).get() == 42);
}

TEST_CASE("thread pool: the first exception stops the batch and reaches the caller") {
  ThreadPool pool(3);
  std::atomic<int> after{0};
  CHECK_THROWS_WITH(pool.for_each(10000,
                                  [&](size_t i, unsigned) {
                                    if (i == 10) throw std::runtime_error("item 10");
                                    if (i > 5000) ++after;
                                  }),
                    "item 10");
  CHECK(after < 5000);  // the others stopped taking items
  // The pool still works afterwards.
  std::atomic<int> n{0};
  pool.for_each(100, [&](size_t, unsigned) { ++n; });
  CHECK(n == 100);
}

TEST_CASE("thread pool: batches inside batches and tasks beside a batch finish") {
  ThreadPool pool(2);
  std::atomic<int> inner{0};
  pool.for_each(8, [&](size_t, unsigned) { pool.for_each(8, [&](size_t, unsigned) { ++inner; }); });
  CHECK(inner == 64);
  // A long task holds one pool thread; a batch meanwhile still finishes (the caller works).
  std::atomic<bool> release{false};
  auto task = pool.submit([&] {
    while (!release) std::this_thread::yield();
    return 1;
  });
  std::atomic<int> n{0};
  pool.for_each(50, [&](size_t, unsigned) { ++n; });
  CHECK(n == 50);
  release = true;
  CHECK(task.get() == 1);
}

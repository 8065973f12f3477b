// The one way to use the cores: a pool made once per command, sized by `--threads`, and
// passed down (no global pool: a test can run two builds with different sizes side by
// side). It replaced a `parallel_for` that started new threads on every call, even for
// one item, and three private ways of doing the same (a work queue inside the site's
// loop, std::async in the build, a fixed thread count in the writer).
//
// `for_each(n, f)` calls f(i, worker) for each i in [0, n) exactly once. `worker` is the
// index of the thread running it among those taking part (0 ... size()-1), for state kept
// per thread (a template renderer, a buffer): `std::vector<State> s(pool.size())` and
// `s[worker]`. The calling thread takes part, so a pool of 1 has no threads at all and runs
// everything in order; a batch of one item never wakes a thread. The first exception stops
// the others from taking new items and is rethrown to the caller once they are done.
//
// `submit(f)` runs f on a pool thread and returns a future (the caller's thread when the
// pool has none). A `for_each` inside a pool task runs in its caller's thread: waiting for
// the pool from inside it could wait for ever.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace jp {

class ThreadPool {
 public:
  /// `threads` in all, the caller's counted (0: one per core).
  explicit ThreadPool(unsigned threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// The threads that may run a batch's items at once, the caller's included.
  unsigned size() const { return unsigned(workers_.size()) + 1; }

  template <class F>
  void for_each(size_t n, F&& f) {
    if (n == 0) return;
    if (n == 1 || workers_.empty() || in_worker()) {
      for (size_t i = 0; i < n; ++i) f(i, 0u);
      return;
    }
    run_batch(n, [&f](size_t i, unsigned worker) { f(i, worker); });
  }

  template <class F>
  auto submit(F&& f) -> std::future<std::invoke_result_t<F>> {
    using R = std::invoke_result_t<F>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(f));
    std::future<R> result = task->get_future();
    if (workers_.empty())
      (*task)();
    else
      enqueue([task] { (*task)(); });
    return result;
  }

 private:
  using ItemFn = std::function<void(size_t, unsigned)>;
  void run_batch(size_t n, const ItemFn& f);
  void enqueue(std::function<void()> job);
  void work();
  static bool in_worker();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stop_ = false;
};

/// `pool->for_each(n, f)`, or f(0, 0) ... f(n-1, 0) in this thread when there is no pool
/// (a reader called from a test or a tool with no threads to give).
template <class F>
void for_each(ThreadPool* pool, size_t n, F&& f) {
  if (pool)
    pool->for_each(n, std::forward<F>(f));
  else
    for (size_t i = 0; i < n; ++i) f(i, 0u);
}

}  // namespace jp

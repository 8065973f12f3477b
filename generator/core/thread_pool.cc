#include "core/thread_pool.h"

#include <algorithm>

namespace jp {
namespace {
thread_local bool tls_in_worker = false;

/// One `for_each` call: shared with the helper jobs it queued, which may start only after
/// the caller has finished every item (their threads were busy) and must then do nothing.
struct Batch {
  size_t n = 0;
  std::atomic<size_t> next{0};
  std::atomic<unsigned> joined{0};  ///< worker indexes handed out (the caller is 0)
  std::mutex mu;
  std::condition_variable done;
  int active = 0;       ///< helpers inside the loop
  bool closed = false;  ///< the caller is done: late helpers do not join
  std::exception_ptr error;

  void loop(const std::function<void(size_t, unsigned)>& f, unsigned worker) {
    for (size_t i; (i = next++) < n;) try {
        f(i, worker);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!error) error = std::current_exception();
        next = n;
      }
  }
};
}  // namespace

ThreadPool::ThreadPool(unsigned threads) {
  unsigned k = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  for (unsigned t = 1; t < k; ++t) workers_.emplace_back([this] { work(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

bool ThreadPool::in_worker() { return tls_in_worker; }

void ThreadPool::enqueue(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void ThreadPool::work() {
  tls_in_worker = true;
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mu_);
      wake_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;  // stopping, and nothing left to run
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
  }
}

void ThreadPool::run_batch(size_t n, const ItemFn& f) {
  auto batch = std::make_shared<Batch>();
  batch->n = n;
  // Only as many helpers as there are items beyond the caller's first.
  size_t helpers = std::min<size_t>(workers_.size(), n - 1);
  for (size_t h = 0; h < helpers; ++h)
    enqueue([batch, &f] {
      {
        std::lock_guard<std::mutex> lock(batch->mu);
        if (batch->closed) return;  // `f` may be gone: the caller has returned
        ++batch->active;
      }
      batch->loop(f, ++batch->joined);
      std::lock_guard<std::mutex> lock(batch->mu);
      if (--batch->active == 0) batch->done.notify_all();
    });
  batch->loop(f, 0);
  std::unique_lock<std::mutex> lock(batch->mu);
  batch->closed = true;
  batch->done.wait(lock, [&] { return batch->active == 0; });
  if (batch->error) std::rethrow_exception(batch->error);
}

}  // namespace jp

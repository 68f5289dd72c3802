use std::sync::{Arc, Mutex as StdMutex};

use super::*;

fn gate(calls: u32, per: Duration, in_flight: usize) -> Arc<Gate> {
    Arc::new(Gate::new(RateLimit { calls, per }, in_flight))
}

#[tokio::test]
async fn never_more_than_n_per_window() {
    let window = Duration::from_millis(200);
    let g = gate(3, window, 100);
    let t0 = Instant::now();
    let mut times = Vec::new();
    for _ in 0..7 {
        let _permit = g.acquire(Lane::Normal).await;
        times.push(Instant::now().duration_since(t0));
    }
    // 3 at once, 3 after one window, 1 after two.
    assert!(times[2] < window, "{times:?}");
    assert!(times[3] >= window);
    assert!(times[6] >= window * 2);
    // Any window holds at most 3 starts.
    for (i, a) in times.iter().enumerate() {
        let within = times[i..].iter().filter(|b| **b - *a < window).count();
        assert!(within <= 3, "{times:?}");
    }
}

/// A call counts in the window until `per` after its answer: one that took 80 ms keeps the next
/// waiting until 80 ms + the window, where counting from its start would admit the next at 100 ms
/// (and Marketo, which saw it arrive late, would answer 606).
#[tokio::test]
async fn a_call_counts_until_a_window_after_its_answer() {
    let window = Duration::from_millis(100);
    let g = gate(1, window, 10);
    let t0 = Instant::now();
    let permit = g.acquire(Lane::Normal).await;
    tokio::time::sleep(Duration::from_millis(80)).await;
    let ended = Instant::now();
    drop(permit);
    drop(g.acquire(Lane::Normal).await);
    let second = Instant::now();
    assert!(second.duration_since(ended) >= window, "{:?}", second - t0);
}

/// Calls in flight count in the window: with a window of two calls and two in flight, a third
/// waits for one of them to end, whatever the window's length.
#[tokio::test]
async fn calls_in_flight_fill_the_window() {
    let g = gate(2, Duration::from_millis(10), 10);
    let first = g.acquire(Lane::Normal).await;
    let _second = g.acquire(Lane::Normal).await;
    let third = tokio::time::timeout(Duration::from_millis(60), g.acquire(Lane::Normal)).await;
    assert!(third.is_err(), "admitted while two calls were in flight");
    drop(first);
    let third = tokio::time::timeout(Duration::from_secs(5), g.acquire(Lane::Normal)).await;
    assert!(third.is_ok());
}

#[tokio::test]
async fn never_more_than_max_in_flight() {
    let g = gate(1000, Duration::from_secs(1), 2);
    let peak = Arc::new(StdMutex::new((0usize, 0usize)));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (g, peak) = (Arc::clone(&g), Arc::clone(&peak));
        tasks.push(tokio::spawn(async move {
            let _permit = g.acquire(Lane::Normal).await;
            {
                let mut p = peak.lock().unwrap();
                p.0 += 1;
                p.1 = p.1.max(p.0);
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
            peak.lock().unwrap().0 -= 1;
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(peak.lock().unwrap().1, 2);
}

/// Queues three normal callers behind a spent window, then one priority caller: the priority
/// caller is admitted first, the normal ones after it in the order they came.
#[tokio::test]
async fn a_priority_acquire_overtakes_queued_normal_ones() {
    let window = Duration::from_millis(150);
    let g = gate(1, window, 10);
    drop(g.acquire(Lane::Normal).await);
    let order = Arc::new(StdMutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for (name, lane) in [
        ("normal-1", Lane::Normal),
        ("normal-2", Lane::Normal),
        ("normal-3", Lane::Normal),
        ("priority", Lane::Priority),
    ] {
        let (g, order) = (Arc::clone(&g), Arc::clone(&order));
        tasks.push(tokio::spawn(async move {
            let _permit = g.acquire(lane).await;
            order.lock().unwrap().push(name);
        }));
        // Each is queued before the next arrives.
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(
        *order.lock().unwrap(),
        ["priority", "normal-1", "normal-2", "normal-3"]
    );
}

/// A priority caller also goes first for a concurrency slot.
#[tokio::test]
async fn a_priority_acquire_takes_the_next_free_concurrency_slot() {
    let g = gate(1000, Duration::from_secs(1), 1);
    let held = g.acquire(Lane::Normal).await;
    let order = Arc::new(StdMutex::new(Vec::new()));
    let mut tasks = Vec::new();
    for (name, lane) in [("normal", Lane::Normal), ("priority", Lane::Priority)] {
        let (g, order) = (Arc::clone(&g), Arc::clone(&order));
        tasks.push(tokio::spawn(async move {
            let _permit = g.acquire(lane).await;
            order.lock().unwrap().push(name);
        }));
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    drop(held);
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), ["priority", "normal"]);
}

/// A waiter whose wait is abandoned (cancelled) leaves the line and blocks no one.
#[tokio::test]
async fn an_abandoned_wait_leaves_the_line() {
    let g = gate(1, Duration::from_millis(100), 10);
    drop(g.acquire(Lane::Normal).await);
    let abandoned =
        tokio::time::timeout(Duration::from_millis(20), g.acquire(Lane::Priority)).await;
    assert!(abandoned.is_err());
    // A ticket left in the line would keep this one waiting for good; the window frees in 100 ms.
    let admitted = tokio::time::timeout(Duration::from_secs(5), g.acquire(Lane::Normal)).await;
    assert!(admitted.is_ok(), "the abandoned wait still blocks the line");
    drop(admitted);
    assert!(g.lock().waiting.is_empty());
}

"""What the tests share: fresh databases and draws, the buyer web under test, console Pilot runs,
the core invariants and the race workers."""

"""Browser tests: Playwright driving Chromium against a real server running the demo."""

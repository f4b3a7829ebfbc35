# Shared fixtures for every test folder (the project's tests/ and each app's tests/).
pytest_plugins = ["tests.fixtures"]

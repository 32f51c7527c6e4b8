"""Names and test doubles shared by the Insights tests."""

from shared.secrets.reference import parse_secret_reference

APP_ID = "0f6b6c8e-1234-4abc-8def-0123456789ab"
ALTERNATE_ID = "contoso_customerid"
SECRET_REF = parse_secret_reference("vault://kv-contoso/insights-client-secret")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Sleeps(list[float]):
    """Records the waits between retries instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)

"""Queue-triggered functions, run as the Functions host runs them, against Azurite.

Per queue function a thread polls its queue (up to `batchSize` messages, waiting longer
between empty polls up to `maxPollingInterval`), invokes the function with a
func.QueueMessage carrying the dequeue count, deletes the message on success, and on failure
leaves it to reappear after `visibilityTimeout`, or, on the `maxDequeueCount`-th failure,
moves it to `<queue>-poison`: the host's documented behaviour, from host.json.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from typing import Any

import azure.functions.queue as func_queue

from shared.localhost.function_catalog import QueueFunction
from shared.localhost.host_config import QueueOptions
from shared.localhost.invocation import invoke

logger = logging.getLogger("localhost")
POISON_SUFFIX = "-poison"
_FIRST_POLL_SECONDS = 0.1


def _client(settings: Mapping[str, str], connection: str, queue_name: str) -> Any:
    from azure.storage.queue import (
        BinaryBase64DecodePolicy,
        BinaryBase64EncodePolicy,
        QueueClient,
    )

    connection_string = settings.get(connection) or ""
    if not connection_string or "=" not in connection_string:
        raise ValueError(f"queue functions need {connection} as a connection string locally")
    # Messages are base64 on the wire (host.json messageEncoding); the function gets bytes.
    return QueueClient.from_connection_string(
        connection_string,
        queue_name,
        message_encode_policy=BinaryBase64EncodePolicy(),
        message_decode_policy=BinaryBase64DecodePolicy(),
    )


class QueueRunner:
    def __init__(
        self,
        functions: Sequence[QueueFunction],
        settings: Mapping[str, str],
        options: QueueOptions,
    ) -> None:
        self._functions = {f.name.casefold(): f for f in functions}
        self._settings = settings
        self._options = options
        self._clients: dict[str, Any] = {}
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []

    def find(self, name: str) -> QueueFunction | None:
        return self._functions.get(name.casefold())

    def _queue(self, function: QueueFunction, suffix: str = "") -> Any:
        key = function.name + suffix
        if key not in self._clients:
            client = _client(self._settings, function.connection, function.queue_name + suffix)
            from azure.core.exceptions import ResourceExistsError

            with suppress(ResourceExistsError):
                client.create_queue()
            self._clients[key] = client
        return self._clients[key]

    def start(self) -> None:
        for function in self._functions.values():
            if "=" not in (self._settings.get(function.connection) or ""):
                # Without a storage emulator there is nothing to poll: say so once.
                logger.warning(
                    "queue function %s not run: set %s to an Azurite connection string",
                    function.name,
                    function.connection,
                )
                continue
            thread = threading.Thread(
                target=self._follow, args=(function,), name=f"queue-{function.name}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        for thread in self._threads:
            thread.join(timeout)

    def _follow(self, function: QueueFunction) -> None:
        wait = _FIRST_POLL_SECONDS
        while not self._stopping.is_set():
            try:
                handled = self.poll_once(function.name)
            except Exception:
                logger.exception("queue %s: polling failed", function.queue_name)
                handled = 0
            # Like the host: poll again at once while there is work, back off when idle.
            wait = (
                _FIRST_POLL_SECONDS
                if handled
                else min(wait * 2, self._options.max_polling_interval_seconds)
            )
            self._stopping.wait(wait)

    def poll_once(self, name: str, on_result: Callable[[str, bool], None] | None = None) -> int:
        """Take one batch of visible messages and run the function on each; returns how many."""
        function = self.find(name)
        if function is None:
            raise KeyError(name)
        queue = self._queue(function)
        # Received messages stay invisible while they run; a crash of this process makes them
        # visible again after that time, as a host restart would.
        received = list(
            queue.receive_messages(
                messages_per_page=self._options.batch_size,
                max_messages=self._options.batch_size,
                visibility_timeout=max(30, int(self._options.visibility_timeout_seconds) + 30),
            )
        )
        for message in received:
            ok = self._run(function, queue, message)
            if on_result is not None:
                on_result(message.id, ok)
        return len(received)

    def _run(self, function: QueueFunction, queue: Any, message: Any) -> bool:
        trigger = func_queue.QueueMessage(
            id=message.id,
            body=message.content,
            dequeue_count=message.dequeue_count,
            expiration_time=message.expires_on,
            insertion_time=message.inserted_on,
            time_next_visible=message.next_visible_on,
            pop_receipt=message.pop_receipt,
        )
        try:
            invoke(function.user_function, function.name, function.trigger_arg, trigger)
        except Exception as error:
            attempts = message.dequeue_count or 1
            if attempts >= self._options.max_dequeue_count:
                logger.error(
                    "queue %s: message %s failed %d times, moved to %s%s (%s)",
                    function.queue_name,
                    message.id,
                    attempts,
                    function.queue_name,
                    POISON_SUFFIX,
                    type(error).__name__,
                )
                self._queue(function, POISON_SUFFIX).send_message(message.content)
                queue.delete_message(message)
            else:
                logger.warning(
                    "queue %s: message %s failed (attempt %d of %d, %s); retried after %.0f s",
                    function.queue_name,
                    message.id,
                    attempts,
                    self._options.max_dequeue_count,
                    type(error).__name__,
                    self._options.visibility_timeout_seconds,
                )
                queue.update_message(
                    message,
                    pop_receipt=message.pop_receipt,
                    visibility_timeout=int(self._options.visibility_timeout_seconds),
                )
            return False
        queue.delete_message(message)
        return True

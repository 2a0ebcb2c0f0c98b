"""Threads that overlap a run's reading and writing with its inference, in order.

:class:`Ahead` produces the items of an iterator (decoded frames) in a thread of its own,
at most ``depth`` of them waiting; :class:`Behind` consumes items (drawing, encoding,
writing) in another, at most ``depth`` waiting. Both keep their order, so a run through
them gives exactly what a run step after step gives; both are bounded, so memory does not
grow with the length of the input; and both hand their thread's exception to the caller,
after the items before it.

With ``threaded=False`` each does the same work in the caller's thread, one step after
another (the sequential run, for comparison and for callers that want no threads).
"""
from __future__ import annotations

import collections
import threading
from typing import Any, Callable, Iterator, Optional

#: how long a blocked thread sleeps between looks at whether it was asked to stop (s)
_POLL = 0.1


def _started(target: Callable[[], None], name: str) -> threading.Thread:
    """A daemon thread running ``target``, already started."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    return thread


class _End:
    """The producer finished (``error``: the exception that ended it, or None)."""

    def __init__(self, error: Optional[BaseException] = None) -> None:
        self.error = error


class Ahead:
    """The items of ``items``, each through ``prepare``, produced ahead in a thread.

    Args:
        items: An iterator (a generator is closed in the producing thread when the
            consumer stops early, so a video or camera it holds is released there).
        prepare: Applied to each item in the producing thread (None: the item as it is).
        depth: At most this many prepared items wait for the consumer.
        live: A source that does not wait (a camera): when ``depth`` items already wait,
            the oldest is dropped rather than the source held back, so the consumer
            always gets the newest frames and never lags. ``dropped`` counts them.
        threaded: False: produce each item when the consumer asks for it, in its thread.
    """

    def __init__(self, items: Iterator, prepare: Optional[Callable] = None, depth: int = 4,
                 live: bool = False, threaded: bool = True, name: str = 'rtmpose-reader') -> None:
        self.items, self.prepare = items, prepare or (lambda item: item)
        self.depth, self.live = max(1, depth), live
        self.threaded, self.dropped = threaded, 0
        self._waiting: collections.deque = collections.deque()
        self._cv = threading.Condition()
        self._stop = False
        self._thread = _started(self._produce, name) if threaded else None

    def _source(self) -> Iterator:
        for item in self.items:
            yield self.prepare(item)

    def _produce(self) -> None:
        end = _End()
        source = self._source()
        try:
            for item in source:
                with self._cv:
                    while not self._stop and not self.live and len(self._waiting) >= self.depth:
                        self._cv.wait(_POLL)
                    if self._stop:
                        break
                    if self.live and len(self._waiting) >= self.depth:
                        self._waiting.popleft()
                        self.dropped += 1
                    self._waiting.append(item)
                    self._cv.notify_all()
        except BaseException as e:  # noqa: B902  (KeyboardInterrupt too: the consumer's)
            end = _End(e)
        finally:
            close = getattr(self.items, 'close', None)
            if close is not None:
                try:
                    close()  # the video or camera released in the thread that holds it
                except BaseException as e:  # noqa: B902
                    end = end if end.error is not None else _End(e)
            with self._cv:
                self._waiting.append(end)
                self._cv.notify_all()

    def __iter__(self) -> Iterator:
        if self._thread is None:
            yield from self._source()
            return
        while True:
            with self._cv:
                while not self._waiting:
                    self._cv.wait(_POLL)
                item = self._waiting.popleft()
                self._cv.notify_all()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item

    def close(self) -> None:
        """Stop producing and wait for the thread (it releases what it holds)."""
        if self._thread is None:
            close = getattr(self.items, 'close', None)
            if close is not None:
                close()
            return
        with self._cv:
            self._stop = True
            self._cv.notify_all()
        self._thread.join()


class Behind:
    """``consume(item)`` for each item put, in order, in a thread behind the caller.

    The first exception ``consume`` raises stops it: :meth:`put` and :meth:`close` then
    raise it in the caller (``failed`` says so without raising), and the items after it
    are not consumed.

    Args:
        depth: At most this many items wait; :meth:`put` blocks beyond.
        threaded: False: consume each item in :meth:`put`, in the caller's thread.
    """

    def __init__(self, consume: Callable[[Any], None], depth: int = 4, threaded: bool = True,
                 name: str = 'rtmpose-writer') -> None:
        self.consume, self.depth, self.threaded = consume, max(1, depth), threaded
        self.error: Optional[BaseException] = None
        self._waiting: collections.deque = collections.deque()
        self._cv = threading.Condition()
        self._closed = False
        self._thread = _started(self._run, name) if threaded else None

    @property
    def failed(self) -> bool:
        return self.error is not None

    def _run(self) -> None:
        while True:
            with self._cv:
                while not self._waiting and not self._closed:
                    self._cv.wait(_POLL)
                if not self._waiting:
                    return
                item = self._waiting[0]
            try:
                self.consume(item)
            except BaseException as e:  # noqa: B902
                with self._cv:
                    self.error = e
                    self._waiting.clear()
                    self._cv.notify_all()
                return
            with self._cv:
                self._waiting.popleft()  # taken off once consumed: close() waits for it
                self._cv.notify_all()

    def put(self, item: Any) -> None:
        """Hand over one item (blocks while ``depth`` wait).

        Raises:
            The exception that stopped the consumer, if it stopped.
        """
        if self._thread is None:
            if self.error is None:
                try:
                    self.consume(item)
                except BaseException as e:  # noqa: B902
                    self.error = e
            if self.error is not None:
                raise self.error
            return
        with self._cv:
            while self.error is None and len(self._waiting) >= self.depth:
                self._cv.wait(_POLL)
            if self.error is not None:
                raise self.error
            self._waiting.append(item)
            self._cv.notify_all()

    def close(self, raise_error: bool = True) -> None:
        """Consume every item put, then stop the thread.

        Raises:
            The exception that stopped the consumer (``raise_error``).
        """
        if self._thread is not None:
            with self._cv:
                self._closed = True
                self._cv.notify_all()
            self._thread.join()
        if raise_error and self.error is not None:
            raise self.error

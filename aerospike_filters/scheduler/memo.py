#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""A process-wide memo with a bound, shared by the scheduler's threads.

nova-scheduler lives for months and sees any number of distinct aggregate
values and warnings; what the plugin remembers across requests must not
grow without end. A full memo forgets everything and starts again.
"""

import threading

DEFAULT_LIMIT = 4096


class BoundedMemo:
    """Values computed once per key, at most ``limit`` keys at a time."""

    def __init__(self, limit=DEFAULT_LIMIT):
        self._values = {}
        self._limit = limit
        self._lock = threading.Lock()

    def get(self, key, compute):
        """The value remembered for ``key``, computed by ``compute()``."""
        try:
            return self._values[key]
        except KeyError:
            pass
        value = compute()
        with self._lock:
            if len(self._values) >= self._limit:
                self._values.clear()
            return self._values.setdefault(key, value)

    def first(self, key):
        """True the first time ``key`` is seen (until the memo is full)."""
        with self._lock:
            if key in self._values:
                return False
            if len(self._values) >= self._limit:
                self._values.clear()
            self._values[key] = True
            return True

    def __len__(self):
        return len(self._values)

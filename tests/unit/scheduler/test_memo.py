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

"""The bounded memo behind warn-once and the weigher's multipliers."""

import threading

from oslotest import base

from aerospike_filters.scheduler import memo


class TestBoundedMemo(base.BaseTestCase):

    def test_first_is_true_once(self):
        seen = memo.BoundedMemo()
        self.assertTrue(seen.first('a'))
        self.assertFalse(seen.first('a'))
        self.assertTrue(seen.first('b'))

    def test_memory_stays_bounded(self):
        seen = memo.BoundedMemo(limit=10)
        self.assertTrue(all(seen.first(i) for i in range(100)))
        self.assertLessEqual(len(seen), 10)
        self.assertFalse(seen.first(99))

    def test_get_computes_once_per_key(self):
        calls = []
        values = memo.BoundedMemo(limit=3)

        def compute(key):
            return lambda: calls.append(key) or key * 2

        self.assertEqual(4, values.get(2, compute(2)))
        self.assertEqual(4, values.get(2, compute(2)))
        self.assertEqual([2], calls)
        for key in range(10):
            values.get(key, compute(key))
        self.assertLessEqual(len(values), 3)

    def test_threads_agree_on_one_value(self):
        values = memo.BoundedMemo()
        results = []

        def worker():
            results.append(values.get('k', object))

        threads = [threading.Thread(target=worker) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(1, len({id(r) for r in results}))

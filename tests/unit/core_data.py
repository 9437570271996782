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

"""Shared data of the pure core's tests (no nova)."""

from aerospike_filters import host_facts
from aerospike_filters import storage

KEY = host_facts.DEFAULT_BACKEND_KEY
ALL = frozenset(storage.TIERS)


def facts(*values, fallback=None):
    """HostFacts of a host in one aggregate per value."""
    return host_facts.facts_from_aggregates(
        [('agg%d' % i, {KEY: v}) for i, v in enumerate(values)], KEY,
        fallback)

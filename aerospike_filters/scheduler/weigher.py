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

"""AerospikeStorageWeigher: nvme over lvm over raw for Aerospike flavors."""

from nova.scheduler import utils as scheduler_utils
from nova.scheduler import weights
from oslo_log import log as logging

from aerospike_filters import conf
from aerospike_filters import host_facts
from aerospike_filters.scheduler import evaluation
from aerospike_filters import storage

LOG = logging.getLogger(__name__)
CONF = conf.CONF

#: Raw weights lie in [0, MAX_WEIGHT): the tier rank plus a tie-breaker
#: below one. Fixed bounds make normalised weights comparable across
#: requests (nvme always 0.75 and up, lvm 0.5, raw 0.25, untagged 0).
MAX_WEIGHT = max(storage.TIER_RANK.values()) + 1


def tier_weight(verdict):
    """Raw weight of a verdict: tier rank, ties broken by free NVMe."""
    if not verdict.passes or verdict.tier is None:
        return 0.0
    free = verdict.free_nvme
    return storage.TIER_RANK[verdict.tier] + free / (free + 1.0)


class AerospikeStorageWeigher(weights.BaseHostWeigher):
    """Prefer the fastest storage tier the flavor accepts.

    For flavors tagged with ``aerospike:storage``: nvme hosts first, then
    lvm, then raw; among hosts of one tier, more free NVMe devices first.
    Untagged flavors weigh 0 everywhere, leaving other weighers in charge.
    """

    minval = 0
    maxval = MAX_WEIGHT

    def __init__(self):
        super().__init__()
        evaluation.read_settings()

    def weight_multiplier(self, host_state):
        """``storage_weight_multiplier``, overridable per aggregate."""
        default = CONF.aerospike_filters.storage_weight_multiplier
        try:
            if not host_state.aggregates:
                return default
            return scheduler_utils.get_weight_multiplier(
                host_state, host_facts.WEIGHT_MULTIPLIER_KEY, default)
        except Exception:
            return default

    def _weigh_object(self, host_state, weight_properties):
        return self._weights([host_state], weight_properties)[0]

    def weigh_objects(self, weighed_obj_list, weight_properties):
        hosts = [obj.obj for obj in weighed_obj_list]
        return self._weights(hosts, weight_properties)

    def _weights(self, hosts, spec_obj):
        try:
            evaluate = evaluation.Evaluation(spec_obj)
            if not evaluate.tagged or evaluate.request.error:
                return [0.0] * len(hosts)
            verdict_of = evaluate.verdict
            return [tier_weight(verdict_of(host)) for host in hosts]
        except Exception:
            LOG.exception('AerospikeStorageWeigher failed unexpectedly for '
                          'flavor %s; weighing every host 0.',
                          evaluation.flavor_name_of(spec_obj))
            return [0.0] * len(hosts)

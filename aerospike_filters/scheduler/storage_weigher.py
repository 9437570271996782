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
from oslo_log import log as logging

from aerospike_filters import conf
from aerospike_filters import host_facts
from aerospike_filters.scheduler import evaluation
from aerospike_filters.scheduler import memo
from aerospike_filters.scheduler import nova_releases
from aerospike_filters.scheduler import whole_list
from aerospike_filters import verdicts
from aerospike_filters import version

LOG = logging.getLogger(__name__)


class AerospikeStorageWeigher(whole_list.WholeListWeigher):
    """Prefer the fastest storage tier the flavor accepts.

    For flavors tagged with ``aerospike:storage``: nvme hosts first, then
    lvm, then raw; among hosts of one tier, more free NVMe devices first.
    Untagged flavors weigh 0 everywhere, leaving other weighers in charge.
    """

    # Fixed bounds make normalised weights comparable across requests:
    # nvme 0.875 and up (at least one free device), lvm 0.5, raw 0.25,
    # untagged 0.
    minval = 0
    maxval = verdicts.MAX_WEIGHT

    def __init__(self):
        super().__init__()
        settings = conf.read_settings()
        LOG.info('AerospikeStorageWeigher loaded (aerospike-filters %s): %s',
                 version.version_string(), conf.describe(settings))
        # Not a mutable option: it cannot change while the service runs,
        # so it is read once instead of once per host per request.
        self._multiplier = settings.storage_weight_multiplier
        # Multiplier per set of aggregate values: a pure function of
        # admin-set metadata, so nova's helper (and its log lines about bad
        # values) runs once per distinct set, not once per host per request.
        self._multipliers = memo.BoundedMemo(limit=1024)
        # On a nova the plugin does not support, every host weighs 0.
        self._nova_usable = nova_releases.check_at_start(LOG)

    def weight_multiplier(self, host_state):
        """``storage_weight_multiplier``, overridable per aggregate."""
        default = self._multiplier
        try:
            key = host_facts.WEIGHT_MULTIPLIER_KEY
            aggregates = host_state.aggregates
            for aggregate in aggregates:
                if key in aggregate.metadata:
                    break
            else:
                return default
            values = frozenset(agg.metadata[key] for agg in aggregates
                               if key in agg.metadata)
            return self._multipliers.get(
                values, lambda: scheduler_utils.get_weight_multiplier(
                    host_state, key, default))
        except Exception:
            return default

    def _weights(self, hosts, spec_obj):
        try:
            # The filter, which runs first, warns about bad metadata.
            request_verdicts = evaluation.RequestEvaluation(spec_obj,
                                                            warn=False)
            request = request_verdicts.request
            if not (self._nova_usable and request.tagged) or request.error:
                return [0.0] * len(hosts)
            return request_verdicts.weights(hosts)
        except Exception:
            LOG.exception('AerospikeStorageWeigher failed unexpectedly for '
                          'flavor %s; weighing every host 0.',
                          evaluation.flavor_name_of(spec_obj))
            return [0.0] * len(hosts)

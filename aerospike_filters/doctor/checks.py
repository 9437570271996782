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

"""``CHECKS``: every doctor check, in the order it reports its findings.

Each row is (name, function); each function takes one
:class:`aerospike_filters.doctor.context.Context` and returns a list of
:class:`aerospike_filters.doctor.findings.Finding` (empty when the check
does not apply: no nova.conf, no cloud data). ``cmd/doctor.py`` runs them
in this order, then :func:`aerospike_filters.doctor.findings.settle`
orders the findings by severity. doc/source/admin/
troubleshooting.rst lists the same table; tests/unit/doctor/test_checks.py
keeps the two equal.
"""

from aerospike_filters.doctor import cloud_checks
from aerospike_filters.doctor import config_checks
from aerospike_filters.doctor import disk_checks
from aerospike_filters.doctor import rack_checks
from aerospike_filters.doctor import trait_checks

CHECKS = (
    ('nova.conf given', config_checks.nova_conf_given),
    ('filters and weigher', config_checks.filters_and_weigher),
    ('plugin options', config_checks.plugin_options),
    ('weigher balance', config_checks.weigher_balance),
    ('misspelt options', config_checks.misspelt_options),
    ('pci aliases', config_checks.pci_aliases),
    ('api validators', config_checks.api_validators),
    ('aggregate values', cloud_checks.aggregate_values),
    ('host backends', cloud_checks.host_backends),
    ('published facts', cloud_checks.published_facts),
    ('flavor placement', cloud_checks.flavor_placement),
    ('dedicated aggregates', cloud_checks.dedicated_aggregates),
    ('nvme requests', config_checks.nvme_requests),
    ('local disk', disk_checks.local_disk),
    ('flavor traits', trait_checks.flavor_traits),
    ('host traits', trait_checks.host_traits),
    ('rack balance', rack_checks.unbalanced_groups),
    ('rack domains', rack_checks.empty_domains),
)

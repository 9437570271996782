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

"""The annotated nova.conf snippet stays true to the code."""

import os
import re

from nova.scheduler import filters
from nova.scheduler import weights
from nova import test

from aerospike_filters import conf
from aerospike_filters.whatif import nova_config
from tests import TOP

SNIPPET = os.path.join(TOP, 'etc', 'nova.conf.aerospike-snippet')
README = os.path.join(TOP, 'README.rst')


class TestSnippet(test.NoDBTestCase):

    def setUp(self):
        super().setUp()
        self.conf = nova_config.scheduler_conf([SNIPPET])

    def test_names_only_existing_plugin_options(self):
        known = {opt.name for opt in conf.aerospike_opts}
        named = []
        with open(SNIPPET) as stream:
            section = None
            for line in stream:
                if line.startswith('['):
                    section = line.strip().strip('[]')
                match = re.match(r'^#?([a-z_]+) = ', line)
                if match and section == conf.GROUP:
                    named.append(match.group(1))
        self.assertEqual(known, set(named) | {
            'allow_nvme_on_unsuitable_backend'})

    def test_values_are_valid_and_nova_loads_the_classes(self):
        group = self.conf.filter_scheduler
        found = filters.HostFilterHandler().get_matching_classes(
            group.available_filters)
        enabled = {cls.__name__ for cls in found} & set(
            group.enabled_filters)
        self.assertEqual(set(group.enabled_filters), enabled)
        weighers = weights.HostWeightHandler().get_matching_classes(
            group.weight_classes)
        self.assertIn('AerospikeStorageWeigher',
                      [cls.__name__ for cls in weighers])
        # The snippet states the default, whose reason it gives.
        self.assertEqual(conf.read_settings().storage_weight_multiplier,
                         self.conf.aerospike_filters.storage_weight_multiplier)

    def test_readme_shows_the_snippet_verbatim(self):
        """One source: README, the real-cloud suite and docs use this file."""
        with open(README) as stream:
            readme = stream.read()
        with open(SNIPPET) as stream:
            snippet = stream.read()
        self.assertIn('\n'.join('    ' + line if line else ''
                                for line in snippet.splitlines()), readme)

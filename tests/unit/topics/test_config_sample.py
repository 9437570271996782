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

"""The checked-in sample configuration matches the options."""

import os
import subprocess
import sys

import fixtures
from oslotest import base

from tests import TOP

SAMPLE = os.path.join(TOP, 'etc', 'aerospike-filters.conf.sample')
GENERATOR_CONF = os.path.join(
    TOP, 'etc', 'aerospike-filters-config-generator.conf')


class TestSampleConfig(base.BaseTestCase):

    def test_sample_is_current(self):
        out = self.useFixture(fixtures.TempDir()).join('sample.conf')
        subprocess.run(
            [sys.executable, '-m', 'oslo_config.generator',
             '--config-file', GENERATOR_CONF, '--output-file', out],
            check=True, cwd=TOP)
        with open(out) as fresh, open(SAMPLE) as checked_in:
            self.assertEqual(
                fresh.read(), checked_in.read(),
                'etc/aerospike-filters.conf.sample is out of date: run '
                '"tox -e genconfig" and commit the result')

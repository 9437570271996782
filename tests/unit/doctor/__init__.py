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

"""What the tests of doctor's checks share: a Context over real inputs."""

import argparse

import fixtures

from aerospike_filters.doctor import context
from aerospike_filters.whatif import nova_config

#: A scheduler nova.conf doctor's config checks find nothing wrong with.
GOOD_CONF = '''
[filter_scheduler]
available_filters = nova.scheduler.filters.all_filters
available_filters = aerospike_filters.all_filters
enabled_filters = ComputeFilter,AerospikeStorageFilter
weight_classes = aerospike_filters.all_weighers
'''


def make_context(test, conf_text=None, data=None, tool_args='',
                 read_aliases=list):
    """A Context as doctor builds it: nova.conf read with nova's options.

    ``conf_text``: the scheduler's nova.conf (None: none given);
    ``data``: the cloud's data (None: --no-cloud).
    """
    paths = []
    scheduler_conf = None
    if conf_text is not None:
        path = test.useFixture(fixtures.TempDir()).join('nova.conf')
        with open(path, 'w') as stream:
            stream.write(conf_text)
        paths = [path]
        scheduler_conf = nova_config.scheduler_conf(paths)
    return context.Context(argparse.Namespace(config_file=paths),
                           scheduler_conf, data, tool_args, read_aliases)

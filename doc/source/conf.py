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

"""Sphinx configuration of the aerospike-filters documentation."""

extensions = [
    'cliff.sphinxext',
    'openstackdocstheme',
    'oslo_config.sphinxext',
    'oslo_config.sphinxconfiggen',
    'sphinx.ext.graphviz',
]

# oslo_config.sphinxconfiggen: the sample configuration file.
config_generator_config_file = [
    ('../../etc/aerospike-filters-config-generator.conf',
     '_static/aerospike-filters'),
]

openstackdocs_repo_name = 'aerospike-filters'
openstackdocs_use_storyboard = False
openstackdocs_auto_name = False

project = 'aerospike-filters'
copyright = 'aerospike-filters contributors'
master_doc = 'index'
exclude_patterns = ['_build']
pygments_style = 'native'
html_theme = 'openstackdocs'
html_static_path = ['_static']
graphviz_output_format = 'svg'
# The CLI reference documents the commands' options, not cliff's globals.
autoprogram_cliff_ignored = ['--help', '--format', '--column',
                             '--max-width', '--fit-width', '--print-empty',
                             '--noindent', '--prefix', '--quote',
                             '--sort-column', '--sort-ascending',
                             '--sort-descending']
# Options such as --flavor in the commands' help stay two hyphens.
smartquotes = False

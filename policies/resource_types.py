"""Type tokens of the resources the policies judge, as the engine sends them."""

BIG_DATA_POOL = "azure-native:synapse:BigDataPool"
WORKSPACE = "azure-native:synapse:Workspace"
IP_FIREWALL_RULE = "azure-native:synapse:IpFirewallRule"
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
DIAGNOSTIC_SETTING = "azure-native:monitor:DiagnosticSetting"
PRIVATE_ENDPOINT = "azure-native:network:PrivateEndpoint"
# Dynamic resources of this project (pulumi-python:dynamic/<module>:<name>).
POOL_LIBRARIES = "pulumi-python:dynamic/synapse:PoolLibraries"
SPARK_JOB_DEFINITION = "pulumi-python:dynamic/synapse:SparkJobDefinition"

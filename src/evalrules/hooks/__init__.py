"""The extension points: hook specs, the plugin registry and the kinds plugins register."""

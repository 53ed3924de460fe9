// Package presettest holds the checks the provider packages' tests share.
package presettest

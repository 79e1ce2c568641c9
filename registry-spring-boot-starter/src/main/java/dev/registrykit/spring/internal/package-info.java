/** The implementation of the starter; not API. */
package dev.registrykit.spring.internal;
